"""The benchmark's code path on tiny settings: every tap counted, every answer stored.

No timing assertions: speed and memory are machine-dependent figures for the
README, produced by ``python -m bot.bench``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.bench.cli import main
from bot.bench.config import BenchConfig, write_synthetic_questionnaire
from bot.bench.fake_bot_api import FakeBotAPI
from bot.bench.pdf_flood import format_pdf_flood
from bot.bench.report import format_flood_report, format_report
from bot.bench.runners import run_benchmark, run_flood_benchmark, run_pdf_flood
from bot.domain.questionnaire import load_questionnaire
from bot.flows.work_quota import REPORTS_PER_WINDOW


async def test_benchmark_counts_and_stores_every_answer(tmp_path: Path) -> None:
    config = BenchConfig(users=3, statements=2, latency=0.0, sessions=4, session_answers=1,
                         browser_users=3, finishers=0, directory=tmp_path, commit_seconds=0.05,
                         transport="memory", tap_timeout=10)
    report = await run_benchmark(config)
    assert report.lost_taps == 0
    assert len(report.single.in_place) == 2 and len(report.burst.in_place) == 3 * 2
    assert report.burst.new_message == []  # nobody reached the end of a field
    assert len(report.burst.callback) == 3 * 2
    assert report.answers_counted == 2 + 3 * 2 + 4 * 1
    assert report.answers_stored == report.answers_counted
    # each tap: one callback answer and one edit; nobody reached the end of a field
    assert report.burst_calls == 2 * 3 * 2
    assert report.commit_rate > 0
    text = format_report(report)
    assert "6 answers in" in text and "answers counted 12, stored 12 (expected 12), taps lost 0" in text
    # the browser run: three people answer twice on the browser channel and on the floor,
    # each answer stored
    browser = report.browser
    assert browser is not None
    assert (browser.app.answers, browser.stored, browser.failures) == (6, 6, 0)
    assert (browser.floor.answers, browser.floor_stored) == (6, 6)
    assert browser.app.cpu_seconds >= 0 and len(browser.app.answer) == 6
    part = text.split("browser: 3 people")[1]
    assert "browser: 6 answers" in part and "floor:   6 answers" in part
    assert list(tmp_path.iterdir()) == []  # the temporary databases are gone


async def test_field_ends_and_the_end_of_the_run_are_waited_for(tmp_path: Path) -> None:
    # At a field's end the next statement comes as a new message below the interim
    # note; the last answer turns the statement into the closing note and the summary
    # follows. The benchmark waits for each, so every answer is counted once.
    config = BenchConfig(users=1, statements=105, latency=0.0, sessions=0, browser_users=0, finishers=0,
                         directory=tmp_path, commit_seconds=0.05, transport="memory", tap_timeout=10)
    report = await run_benchmark(config)
    assert report.lost_taps == 0
    assert report.answers_stored == report.answers_counted == 2 * 105
    # six field ends answered by a new message; the last answer edits in place
    assert len(report.burst.new_message) == 6 and len(report.burst.in_place) == 105 - 6
    # per tap a callback answer and an edit; a new message at six field ends; the summary
    assert report.burst_calls > 2 * 105 + 6


async def test_runs_ending_during_the_burst_get_closing_note_and_summary(tmp_path: Path) -> None:
    # Two people are at their last statement when the burst starts; each ends their
    # run during a round and is counted once the summary (chart, text) has arrived.
    config = BenchConfig(users=2, statements=2, latency=0.0, sessions=0, browser_users=0, finishers=2,
                         directory=tmp_path, commit_seconds=0.05, transport="memory", tap_timeout=30)
    report = await run_benchmark(config)
    assert report.lost_taps == 0
    assert len(report.run_ends.note) == len(report.run_ends.summary) == 2
    assert all(note <= summary for note, summary in zip(report.run_ends.note,
                                                         report.run_ends.summary))
    assert report.burst_answers == 2 * 2 + 2
    assert report.burst_calls_by_method["sendPhoto"] == 2  # one chart per run's end
    assert report.answers_stored == report.answers_expected == 2 + 2 * 2 + 2 * 105


def test_synthetic_questionnaire_is_valid_and_full_size(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(write_synthetic_questionnaire(tmp_path / "q"))
    assert len(questionnaire.fields) == 7
    assert len(questionnaire.statements) == 7 * 15


def test_command_line_prints_the_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # the default --dir is the working directory, wherever that is
    main(["--users", "2", "--statements", "1", "--latency", "0", "--sessions", "0",
          "--finishers", "1", "--browser-users", "2", "--commit-seconds", "0.05"])
    out = capsys.readouterr().out
    for figure in ("answers/s", "tap-to-reply p50", "CPU", "RSS", "single-row commits",
                   "messages/s", "outgoing Bot API calls", "summary with chart complete",
                   "the bot's process alone", "without a framework",
                   "browser ÷ floor CPU per answer: ", "p99 ÷ floor's p99: "):
        assert figure in out


def test_the_browser_only_run_prints_the_ratios_to_its_floor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--browser-only", "--browser-users", "4", "--statements", "3", "--dir", str(tmp_path)])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"^  browser ÷ floor CPU per answer: [0-9.]+x \(goal ≤ 1\.5x: (met|NOT met)\)$",
                     out, re.M), out
    assert re.search(r"^  p99 ÷ floor's p99: [0-9.]+x \(goal ≤ 2x: (met|NOT met)\)$", out, re.M), out
    assert "answers stored 12 (expected 12), floor 12; failed requests 0" in out
    assert "Telegram" not in out and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("transport", ["polling", "webhook"])
async def test_the_bot_as_deployed_answers_every_tap_over_http(tmp_path: Path,
                                                               transport: str) -> None:
    # python -m bot with its own HTTP client, fetching updates or sent them by webhook;
    # then the floor under the same burst.
    config = BenchConfig(users=3, statements=2, latency=0.01, sessions=2, session_answers=1, browser_users=0,
                         finishers=0, directory=tmp_path, commit_seconds=0.05, tap_timeout=20,
                         transport=transport)
    report = await run_benchmark(config)
    assert report.lost_taps == 0
    assert report.answers_stored == report.answers_counted == report.answers_expected == 2 + 3 * 2 + 2
    assert report.burst_calls_by_method == {"answerCallbackQuery": 6, "editMessageText": 6}
    assert report.rss_sessions_mb and report.peak_rss_mb > 30
    # CPU time is counted in clock ticks: six taps may take less than one
    assert report.floor_cpu_ms_per_tap is not None and report.floor_lost_taps == 0
    assert "without a framework, same burst" in format_report(report)


async def test_flood_control_delays_replies_but_drops_none(tmp_path: Path) -> None:
    # Telegram refuses two edits with 429 "retry after 1"; the rate limiter waits and
    # sends them again, so every tap still gets its reply.
    api = FakeBotAPI()
    for _ in range(2):
        api.fail_next("editMessageText", 429, "Too Many Requests: retry after 1", retry_after=1)
    config = BenchConfig(users=4, statements=2, latency=0.0, sessions=0, browser_users=0, finishers=0,
                         directory=tmp_path, commit_seconds=0.05, transport="memory", tap_timeout=20)
    report = await run_benchmark(config, api)
    assert report.lost_taps == 0
    assert report.answers_stored == report.answers_counted == 2 + 4 * 2
    edits = api.calls_to("editMessageText")
    assert len([c for c in edits if c.result is None]) == 2
    assert len([c for c in edits if c.result is not None]) == 2 + 4 * 2


async def test_taps_spread_over_a_moment_are_each_counted_once(tmp_path: Path) -> None:
    # With --spread the people of a round tap at random moments within it; the
    # round still waits for every one of them.
    config = BenchConfig(users=5, statements=2, latency=0.02, spread=0.2, sessions=0, browser_users=0,
                         finishers=0, directory=tmp_path, commit_seconds=0.05, transport="memory", tap_timeout=10)
    report = await run_benchmark(config)
    assert report.lost_taps == 0
    assert len(report.burst.in_place) == 5 * 2
    assert report.answers_stored == report.answers_counted == 2 + 5 * 2
    assert "5 people tap within 0.2 s of each other (at random)" in format_report(report)


async def test_flood_mode_measures_the_others_while_one_person_floods(tmp_path: Path) -> None:
    config = BenchConfig(statements=2, latency=0.0, directory=tmp_path, tap_timeout=30)
    report = await run_flood_benchmark(config, flood=40, others=3)
    assert report.lost_taps == 0
    assert len(report.calm.replies) == 3 and len(report.flooded.replies) == 3
    assert 1 <= report.flooder_calls["sendDocument"] <= REPORTS_PER_WINDOW
    assert "during flood: p50" in format_flood_report(report)
    assert list(tmp_path.iterdir()) == []


async def test_pdf_flood_mode_times_another_persons_report_during_a_flood(tmp_path: Path) -> None:
    config = BenchConfig(directory=tmp_path)
    figures = await run_pdf_flood(config, sessions=2, requests_each=1, others=1)
    assert len(figures.calm) == 1 and len(figures.flooded) <= 1
    assert figures.flood_outcomes == {"pdf": 2}  # within every budget, nothing failed
    assert "another person's report, calm:" in format_pdf_flood(figures)
    assert list(tmp_path.iterdir()) == []
