"""The figures a run measures, and how they are printed."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version

from bot.bench.browser import BrowserFigures
from bot.bench.config import BenchConfig
from bot.bench.crowd import Tap

TELEGRAM_BULK_RATE = 30  # messages per second to many different chats
TELEGRAM_CHAT_RATE = 1  # messages per second into one chat


@dataclass
class Timings:
    """Seconds from tap to reply in one phase, by how the reply looks.

    Most taps are answered by editing the tapped message in place (one round
    trip); the last statement of a field turns into the field's interim note
    and the next statement follows as a new message (two round trips in a row).
    """

    in_place: list[float] = field(default_factory=list)
    new_message: list[float] = field(default_factory=list)
    callback: list[float] = field(default_factory=list)  # until the tap's callback is answered

    @property
    def replies(self) -> list[float]:
        return self.in_place + self.new_message

    def add(self, tap: Tap) -> None:
        if tap.reply is not None:
            kind = self.in_place if tap.expects_new_message is False else self.new_message
            kind.append(tap.reply - tap.sent)
        if tap.spinner is not None:
            self.callback.append(tap.spinner - tap.sent)


@dataclass
class RunEnds:
    """Seconds from the last answer to what the person sees at a run's end."""

    note: list[float] = field(default_factory=list)  # the tapped statement becomes the closing note
    summary: list[float] = field(default_factory=list)  # the summary (chart, text) is complete

    def add(self, tap: Tap) -> None:
        if tap.reply is not None:
            self.note.append(tap.reply - tap.sent)
        if tap.summary is not None:
            self.summary.append(tap.summary - tap.sent)


@dataclass
class Report:
    config: BenchConfig
    questionnaire: str
    single: Timings = field(default_factory=Timings)
    burst: Timings = field(default_factory=Timings)
    run_ends: RunEnds = field(default_factory=RunEnds)
    burst_seconds: float = 0.0
    burst_cpu_seconds: float = 0.0
    driver_cpu_seconds: float = 0.0  # this process: fake Bot API and simulated people
    burst_calls: int = 0
    burst_calls_by_method: Counter[str] = field(default_factory=Counter)
    burst_peak_calls_per_second: int = 0
    lost_taps: int = 0
    answers_counted: int = 0
    answers_stored: int = 0
    answers_expected: int = 0
    webhook_failures: int | None = None  # deliveries the webhook refused (webhook transport)
    rss_start_mb: float = 0.0
    rss_sessions_mb: float | None = None
    peak_rss_mb: float = 0.0
    drawing_peak_rss_mb: float | None = None  # the chart process (bot.output.workers); no PDFs here
    sessions_active: int = 0
    commit_rate: float = 0.0
    load_average: float = 0.0
    floor_cpu_ms_per_tap: float | None = None
    floor_lost_taps: int = 0
    browser: BrowserFigures | None = None

    @property
    def burst_answers(self) -> int:
        return len(self.burst.replies) + len(self.run_ends.note)

    @property
    def answers_per_second(self) -> float:
        return self.burst_answers / self.burst_seconds if self.burst_seconds else 0.0

    @property
    def cpu_ms_per_answer(self) -> float:
        return 1000 * self.burst_cpu_seconds / self.burst_answers if self.burst_answers else 0.0

    @property
    def cpu_over_floor(self) -> float | None:
        if not self.floor_cpu_ms_per_tap:
            return None
        return self.cpu_ms_per_answer / self.floor_cpu_ms_per_tap

    @property
    def calls_per_second(self) -> float:
        return self.burst_calls / self.burst_seconds if self.burst_seconds else 0.0



@dataclass
class FloodReport:
    """Others' reply times without and during one person's flood of /bericht."""

    flood: int
    others: int
    calm: Timings = field(default_factory=Timings)
    flooded: Timings = field(default_factory=Timings)
    flooder_calls: Counter[str] = field(default_factory=Counter)
    flood_seconds: float = 0.0
    lost_taps: int = 0



def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms" if seconds >= 0.01 else f"{1000 * seconds:.1f} ms"


def _goal(met: bool) -> str:
    return "met" if met else "NOT met"


def format_report(report: Report) -> str:
    c = report.config
    single, burst = report.single, report.burst
    lines = [
        f"Selbstcheck benchmark: {HOW[c.transport]}, fake Bot API "
        f"with {_ms(c.latency) if c.latency else 'no'} latency per call",
        f"  {os.cpu_count()} CPUs, Python {platform.python_version()}, python-telegram-bot "
        f"{version('python-telegram-bot')}, aiosqlite {version('aiosqlite')}, "
        f"SQLite {sqlite3.sqlite_version}; load average at start {report.load_average:.2f}",
        f"  questionnaire: {report.questionnaire}",
        "",
        f"single person, {c.statements} taps in a row:",
        f"  tap-to-reply p50 {_ms(percentile(single.in_place, 50))} (statement edited in place)"
        + (f", {_ms(percentile(single.new_message, 50))} at a field's end (interim note, then "
           "the next statement as a new message)" if single.new_message else ""),
        f"burst: {c.users} people tap " + (f"within {c.spread:g} s of each other (at random)"
                                            if c.spread else "at the same moment")
        + f", {c.statements} times:",
        f"  {report.burst_answers} answers in {report.burst_seconds:.2f} s = "
        f"{report.answers_per_second:.0f} answers/s"
        + (" (the rate they arrive at, not a ceiling)" if c.spread else ""),
        f"  tap-to-reply, all taps: {_spread(burst.replies)}",
        f"    edited in place ({len(burst.in_place)}): {_spread(burst.in_place)}",
    ]
    if burst.new_message:
        lines.append(f"    at a field's end ({len(burst.new_message)}): "
                     f"{_spread(burst.new_message)}")
    ends = report.run_ends
    if ends.note:
        lines += [f"  run's end ({len(ends.note)} people, last answer in the middle of a round):",
                  f"    closing note: {_spread(ends.note)}",
                  f"    summary with chart complete: {_spread(ends.summary)}"]
    lines += [
        f"  callback answered: {_spread(burst.callback)}",
        f"  CPU {report.cpu_ms_per_answer:.2f} ms per answer ("
        + ("whole process: bot, fake Bot API and simulated people)" if c.transport == "memory"
           else "the bot's process alone; the benchmark's own process, the fake Bot API and "
                f"the simulated people, {_per_answer(report.driver_cpu_seconds, report):.2f} ms)"),
        f"  outgoing Bot API calls: {report.burst_calls} = {report.calls_per_second:.0f}/s on "
        f"average, at most {report.burst_peak_calls_per_second} in one clock second",
        "    " + ", ".join(f"{method} {count}"
                           for method, count in sorted(report.burst_calls_by_method.items())),
    ]
    if report.webhook_failures is not None:
        lines.append(f"  webhook deliveries refused or failed (each retried): "
                     f"{report.webhook_failures}")
    if report.rss_sessions_mb is not None:
        lines.append(f"memory: {_fmt_mb(report.rss_sessions_mb)} RSS with "
                     f"{report.sessions_active} active sessions ({c.session_answers} answers "
                     f"each), {_fmt_mb(report.rss_start_mb)} at start, peak "
                     f"{_fmt_mb(report.peak_rss_mb)}")
    else:
        lines.append(f"memory: peak {_fmt_mb(report.peak_rss_mb)} RSS "
                     f"({_fmt_mb(report.rss_start_mb)} at start)")
    if report.drawing_peak_rss_mb is not None:
        lines.append(f"  and the process that draws the charts: peak "
                     f"{_fmt_mb(report.drawing_peak_rss_mb)} RSS")
    if report.floor_cpu_ms_per_tap is not None:
        lines.append(f"floor: {report.floor_cpu_ms_per_tap:.2f} ms CPU per tap for the same "
                     "calls with the same HTTP client and one aiosqlite commit, from raw JSON "
                     "without a framework, same burst"
                     + (f"; the bot needs {report.cpu_over_floor:.1f}x"
                        if report.cpu_over_floor is not None else "")
                     + (f" ({report.floor_lost_taps} floor taps lost)"
                        if report.floor_lost_taps else ""))
    if report.browser is not None:
        lines += browser_lines(report.browser)
    lines += [
        "ceilings:",
        f"  raw aiosqlite single-row commits, WAL, synchronous=NORMAL, same directory: "
        f"{report.commit_rate:.0f}/s",
        f"  Telegram: about {TELEGRAM_BULK_RATE} messages/s to many chats (bulk) and "
        f"{TELEGRAM_CHAT_RATE}/s into one chat; replies to a person's own taps are not capped "
        "at the bulk rate",
        f"answers counted {report.answers_counted}, stored {report.answers_stored} (expected "
        f"{report.answers_expected}), taps lost "
        f"{report.lost_taps}",
        "goals:",
    ]
    if report.cpu_over_floor is not None:
        lines.append(f"  CPU per tap at most 2x the floor's: {report.cpu_over_floor:.1f}x, "
                     f"{_goal(report.cpu_over_floor <= 2)}")
    if c.latency:
        allowed = 1.5 if c.users <= 100 else 2
        for name, alone, crowded in (("edited in place", single.in_place, burst.in_place),
                                     ("at a field's end", single.new_message,
                                      burst.new_message)):
            if alone and crowded:
                ratio = percentile(crowded, 99) / percentile(alone, 50)
                lines.append(f"  p99 within {allowed:g}x a single person's reply, {name}: "
                             f"{ratio:.2f}x, {_goal(ratio <= allowed)}")
    elif not c.spread:
        lines.append(f"  at least 1000 answers/s: {_goal(report.answers_per_second >= 1000)}")
    if report.rss_sessions_mb is not None and c.sessions >= 1000:
        drawing = report.drawing_peak_rss_mb or 0.0
        together = round(report.peak_rss_mb + drawing)
        lines.append(f"  under 200 MB with {c.sessions} active sessions: {together} MB, "
                     f"{_goal(together < 200)} (peak RSS: the bot's process "
                     f"{_fmt_mb(report.peak_rss_mb)} + the drawing process {_fmt_mb(drawing)})")
    return "\n".join(lines)


HOW = {
    "polling": "the bot as its own process (python -m bot), getUpdates over HTTP on 127.0.0.1",
    "webhook": "the bot as its own process (python -m bot), updates posted to its webhook "
               "over HTTP on 127.0.0.1",
    "memory": "the Application in this process, updates put into its queue, no HTTP",
}


def _per_answer(seconds: float, report: Report) -> float:
    return 1000 * seconds / report.burst_answers if report.burst_answers else 0.0


def _spread(values: Sequence[float]) -> str:
    return ", ".join(f"{name} {_ms(percentile(values, p))}"
                     for name, p in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100)))


def browser_failed(browser: BrowserFigures) -> bool:
    """Whether a request failed or an answer the browser channel confirmed is not stored."""
    return bool(browser.failures) or browser.stored != browser.people * browser.statements


def browser_lines(browser: BrowserFigures) -> list[str]:
    """The browser channel against its floor; the ratios are the figures to compare."""
    lines = [f"browser: {browser.people} people, each with its own cookies, answer "
             f"{browser.statements} statements at the same moment (POST → 303 → GET), from a "
             "process of their own, against the browser channel (python -m bot, no bot token) "
             "and, round by round in turns, a bare floor (Starlette, aiosqlite, Jinja2, one "
             "commit per answer) on the same uvicorn:"]
    for name, target in (("browser", browser.app), ("floor", browser.floor)):
        cpu = target.cpu_ms_per_answer
        lines.append(f"  {name + ':':8} {target.answers} answers, "
                     f"{'–' if cpu is None else f'{cpu:.2f}'} ms CPU per answer, "
                     f"{target.answers / target.seconds if target.seconds else 0:.0f} answers/s; "
                     f"answer {_spread(target.answer)}; 303 {_spread(target.response)}")
    cpu_ratio = browser.cpu_over_floor
    p99_app, p99_floor = percentile(browser.app.answer, 99), percentile(browser.floor.answer, 99)
    p99_ratio = p99_app / p99_floor if p99_floor else math.nan
    lines += [
        "  browser ÷ floor CPU per answer: "
        + (f"{cpu_ratio:.2f}x (goal ≤ 1.5x: {_goal(cpu_ratio <= 1.5)})" if cpu_ratio else "–"),
        f"  p99 ÷ floor's p99: {p99_ratio:.2f}x (goal ≤ 2x: {_goal(p99_ratio <= 2)})",
        f"  answers stored {browser.stored} (expected {browser.people * browser.statements}), "
        f"floor {browser.floor_stored}; failed requests {browser.failures}",
    ]
    return lines


def _fmt_mb(value: float) -> str:
    return f"{value:.0f} MB"



def format_flood_report(report: FloodReport) -> str:
    calm, flooded = report.calm.replies, report.flooded.replies
    documents = report.flooder_calls["sendDocument"]
    return "\n".join([
        f"Flood: one person sends {report.flood} /bericht at once while {report.others} others "
        "answer statements",
        f"  others' reply, calm:         p50 {_ms(percentile(calm, 50))}, "
        f"p99 {_ms(percentile(calm, 99))} ({len(calm)} taps)",
        f"  others' reply, during flood: p50 {_ms(percentile(flooded, 50))}, "
        f"p99 {_ms(percentile(flooded, 99))} ({len(flooded)} taps)",
        f"  the flooder got {documents} PDF(s) and "
        f"{report.flooder_calls['sendMessage']} notice(s); the rest of the flood was dropped; "
        f"all of it was through after {report.flood_seconds:.1f} s",
        f"  taps lost {report.lost_taps}",
    ])
