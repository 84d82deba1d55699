"""The benchmark's code path on tiny settings: every tap counted, every answer stored.

No timing assertions: speed and memory are machine-dependent figures for the
README, produced by ``python -m bot.bench``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.cli import main
from bot.bench.config import BenchConfig, write_synthetic_questionnaire
from bot.bench.fake_bot_api import FakeBotAPI
from bot.bench.report import format_flood_report, format_report
from bot.bench.runners import run_benchmark, run_flood_benchmark
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
    # the browser run: three people answer twice over HTTP, each answer stored
    assert report.browser is not None
    assert (report.browser.answers, report.browser.stored, report.browser.failures) == (6, 6, 0)
    assert "browser: 3 people answer over HTTP on 127.0.0.1" in text
    assert "6 answers in" in text.split("browser:")[1]
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


def test_command_line_prints_the_figures(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    main(["--users", "2", "--statements", "1", "--latency", "0", "--sessions", "0",
          "--finishers", "1", "--browser-users", "2",
          "--dir", str(tmp_path), "--commit-seconds", "0.05"])
    out = capsys.readouterr().out
    for figure in ("answers/s", "tap-to-reply p50", "CPU", "RSS", "single-row commits",
                   "messages/s", "outgoing Bot API calls", "summary with chart complete",
                   "the bot's process alone", "without a framework",
                   "request to response (answer stored, 303)", "to the next statement's page"):
        assert figure in out


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
