"""Benchmark: the real bot under a workshop burst, on the network path a deployment runs.

``python -m bot.bench --help`` lists the settings. By default the bot runs as
in production – ``python -m bot``, its own process with its real HTTP client –
against a Bot API served over HTTP on 127.0.0.1 that delays every call by
``--latency`` and hands out updates by ``getUpdates`` (``--transport polling``)
or posts them to the bot's webhook (``webhook``); ``memory`` drives the
Application in this process through its update queue with the in-memory fake
instead. A tap's reply time runs from handing its update over until the fake
has answered the call that shows the person the next statement (or, on the last
statement, the edit of the tapped message). In the same run a floor – the same
calls per tap with the same HTTP client and one aiosqlite commit, from raw JSON
without a framework (``bot.bench.floor_bot``) – gives the bot's CPU per tap a
measure that does not depend on the machine. The figures belong in the README,
not in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import textwrap
from pathlib import Path

from bot.bench.config import TRANSPORTS, BenchConfig
from bot.bench.pdf_flood import format_pdf_flood
from bot.bench.report import browser_failed, browser_lines, format_flood_report, format_report
from bot.bench.runners import run_benchmark, run_browser_benchmark, run_flood_benchmark, run_pdf_flood
from bot.domain.questionnaire import QuestionnaireError


def main(argv: list[str] | None = None) -> None:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(
        prog="python -m bot.bench",
        description=textwrap.dedent(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--users", type=int, default=defaults.users,
                        help="people tapping at the same moment (default %(default)s)")
    parser.add_argument("--statements", type=int, default=defaults.statements,
                        help="statements each of them answers (default %(default)s)")
    parser.add_argument("--latency", type=float, default=defaults.latency,
                        help="seconds the fake Bot API takes per call (default %(default)s)")
    parser.add_argument("--spread", type=float, default=defaults.spread,
                        help="seconds over which each round's taps arrive at random moments; "
                             "0: all in the same instant (default %(default)s)")
    parser.add_argument("--sessions", type=int, default=defaults.sessions,
                        help="active sessions for the memory figure, 0 to skip "
                             "(default %(default)s)")
    parser.add_argument("--session-answers", type=int, default=defaults.session_answers,
                        help="answers in each of those sessions (default %(default)s)")
    parser.add_argument("--finishers", type=int, default=defaults.finishers,
                        help="people who end their run during the burst, their summary with "
                             "its chart drawn while the others tap (default: one per 100 "
                             "answers of the burst)")
    parser.add_argument("--browser-users", type=int, default=defaults.browser_users,
                        help="people answering in the browser at once over HTTP, 0 to skip "
                             "(default %(default)s)")
    parser.add_argument("--browser-only", action="store_true",
                        help="only the browser channel against its floor, no Telegram run")
    parser.add_argument("--shipped-questionnaire", action="store_true",
                        help="use questions/ instead of a synthetic 7 x 15 questionnaire")
    parser.add_argument("--dir", type=Path, default=defaults.directory,
                        help="where to put the temporary databases, ideally the file system "
                             "of the real database (default: the working directory)")
    parser.add_argument("--commit-seconds", type=float, default=defaults.commit_seconds,
                        help="how long to measure the raw commit rate (default %(default)s)")
    parser.add_argument("--transport", choices=TRANSPORTS, default=defaults.transport,
                        help="polling: the bot as its own process fetching updates with "
                             "getUpdates over HTTP; webhook: Updates posted to its webhook; "
                             "memory: the Application in this process with the in-memory fake "
                             "Bot API, no HTTP (default %(default)s)")
    parser.add_argument("--bot-python", default=defaults.bot_python,
                        help="the Python of the installation whose bot runs as a process, to "
                             "compare two versions in one sitting (default: this one)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor (a minimal bot without a framework)")
    parser.add_argument("--flood", type=int, default=0, metavar="N",
                        help="instead: one person sends N /bericht at once while 20 others "
                             "answer --statements statements; prints the others' reply times "
                             "without and during the flood")
    parser.add_argument("--pdf-flood", type=int, default=0, metavar="N",
                        help="instead: N throw-away browser sessions ask for 5 PDF reports each "
                             "at once; prints another person's report time without and during "
                             "the flood")
    parser.add_argument("--same-address", action="store_true",
                        help="with --pdf-flood: the other people share the flood's address")
    args = parser.parse_args(argv)
    config = BenchConfig(users=args.users, statements=args.statements, latency=args.latency,
                         spread=args.spread,
                         sessions=args.sessions, session_answers=args.session_answers,
                         finishers=args.finishers, browser_users=args.browser_users,
                         shipped_questionnaire=args.shipped_questionnaire, directory=args.dir,
                         commit_seconds=args.commit_seconds, transport=args.transport,
                         floor=not args.no_floor, bot_python=args.bot_python)
    if args.browser_only:
        browser = asyncio.run(run_browser_benchmark(config))
        print("\n".join(browser_lines(browser)))
        raise SystemExit(1 if browser_failed(browser) else 0)
    if args.pdf_flood:
        figures = asyncio.run(run_pdf_flood(config, args.pdf_flood, args.same_address))
        print(format_pdf_flood(figures))
        raise SystemExit(1 if figures.flood_outcomes["failed"] else 0)
    if args.flood:
        flood = asyncio.run(run_flood_benchmark(config, args.flood))
        print(format_flood_report(flood))
        raise SystemExit(1 if flood.lost_taps else 0)
    try:
        report = asyncio.run(run_benchmark(config))
    except QuestionnaireError as error:
        raise SystemExit(f"bench: {error}") from None
    print(format_report(report))
    if report.lost_taps or report.answers_stored != report.answers_expected:
        raise SystemExit(1)
    if report.browser is not None and browser_failed(report.browser):
        raise SystemExit(1)
