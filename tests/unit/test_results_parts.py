"""The parts behind the results, without a chat: comparison, chart, buttons, schema."""

from __future__ import annotations

import builtins
import sqlite3
from pathlib import Path

import pytest

from bot.domain.comparison import FieldChange, compare
from bot.domain.entities import Awaited
from bot.domain.questionnaire import Questionnaire
from bot.domain.scoring import score_fields
from bot.flows.actions import (
    ButtonAction,
    Change,
    ChangeOpen,
    NameAsk,
    NameRemove,
    NameSkip,
    Report,
    ReviewField,
    ReviewFields,
)
from bot.flows.buttons import MAX_BYTES, decode, encode
from bot.flows.results_view import local_date, shown_date
from bot.output.chart import Bar, ProfileChart, draw
from bot.output.report_pdf import ReportSetupError, check_available
from bot.store.schema import MIGRATIONS
from bot.store.storage import Storage
from tests.clock import SettableClock


def scored(questionnaire: Questionnaire, answers: dict[str, str]):  # noqa: ANN201
    return score_fields(questionnaire.fields, answers, questionnaire.scale)


def test_compare_takes_the_difference_of_the_percentages_shown(
        small_questionnaire: Questionnaire) -> None:
    before = scored(small_questionnaire, {"eins-01": "B", "eins-02": "B", "eins-03": "C",
                                          "zwei-01": "C", "zwei-02": "C",
                                          "drei-01": "E", "drei-02": "E"})
    now = scored(small_questionnaire, {"eins-01": "B", "eins-02": "C", "eins-03": "C",
                                       "zwei-01": "E", "zwei-02": "E",
                                       "drei-01": "A", "drei-02": "B"})
    # 55.6 % -> 44.4 % is shown as 56 % -> 44 %, so the change must read −12 (not −11)
    assert compare(now, before) == {
        "eins": FieldChange(previous=56, current=44),
        "zwei": FieldChange(previous=33, current=None),  # now too few ratings
        "drei": FieldChange(previous=None, current=83),  # then too few ratings
    }
    assert compare(now, before)["eins"].delta == -12
    assert compare(now, before)["zwei"].delta is None
    assert compare(now[:1], before[1:]) == {}  # only fields present in both runs


def test_dates_are_german_local_dates() -> None:
    assert shown_date(local_date("2026-02-03T09:30:00+00:00")) == "03.02.2026"
    assert shown_date(local_date("2026-05-20T22:30:00+00:00")) == "21.05.2026"  # CEST
    assert shown_date(local_date("2026-12-31T23:30:00+00:00")) == "01.01.2027"  # CET


CHART = ProfileChart(
    title="Ihr Profil", scale_labels=("0 %", "25 %", "50 %", "75 %", "100 %"),
    previous_legend="◆ = Ihr Durchgang vom 03.02.2026",
    bars=(Bar("1 Steuerung", 56, previous=48), Bar("2 Öffnung", 0),
          Bar("3 Teilhabe", None, note="Zu wenige Einschätzungen", insufficient=True),
          Bar("4 Arbeit", None, note="noch nicht abgeschlossen")))


def test_chart_draws_every_field_with_its_value_or_its_note() -> None:
    svg = draw(CHART, "svg").decode()
    for text in ("Ihr Profil", "1 Steuerung", "56 %", "2 Öffnung", "0 %", "3 Teilhabe",
                 "Zu wenige Einschätzungen", "4 Arbeit", "noch nicht abgeschlossen",
                 "◆ = Ihr Durchgang vom 03.02.2026", "100 %"):
        assert f">{text}<" in svg, text
    assert svg.count("<pattern") == 1  # only the field with too few ratings is hatched
    without_previous = ProfileChart(title=None, scale_labels=CHART.scale_labels,
                                    previous_legend=None, bars=(Bar("1 Steuerung", 56),))
    svg = draw(without_previous, "svg").decode()
    assert "Durchgang" not in svg and "<pattern" not in svg


def test_chart_png_is_the_same_for_the_same_results() -> None:
    first, second = draw(CHART), draw(CHART)
    assert first.startswith(b"\x89PNG") and first == second


def test_results_buttons_fit_telegrams_64_bytes_and_read_back() -> None:
    run, long_id = 999_999_999_999, "a" * 24
    actions: list[ButtonAction] = [
        ReviewFields(run), ReviewFields(run, in_place=True), ReviewField(run, long_id),
        ReviewField(run, long_id, 12), ChangeOpen(run, long_id), Change(run, long_id, "E"),
        Report(run), NameAsk(run), NameSkip(), NameRemove()]
    for action in actions:
        data = encode(action)
        assert len(data.encode()) <= MAX_BYTES
        assert decode(data) == action, data
    for forged in ("v:1:Eins", "v:1:eins:123", "c:1:eins-01:F", "vl:0", "d:x", "n:a:",
                   "n:skip", "v:1:eins:1:2", "c:1:../x"):
        assert decode(forged) is None, forged


async def test_an_existing_database_gains_the_name_table_and_keeps_its_runs(
        tmp_path: Path, clock: SettableClock) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:  # a database as the first release left it
        old.executescript(MIGRATIONS[0])
        old.execute("INSERT INTO users VALUES (7, '2026-01-01T00:00:00+00:00')")
        old.execute("INSERT INTO runs (user_id, status, started_at, finished_at) VALUES"
                    " (7, 'finished', '2026-01-01T00:00:00+00:00', '2026-01-02T00:00:00+00:00')")
        old.execute("PRAGMA user_version = 1")
    storage = await Storage.open(path, clock)
    try:
        assert await storage.schema_version() == len(MIGRATIONS)
        runs = await storage.runs.finished_runs(7)
        assert [r.id for r in runs] == [1]
        assert await storage.people.municipality_name(7) is None
        await storage.people.await_input(7, Awaited.REPORT_NAME, runs[0].id)
        pending = await storage.people.pending_input(7)
        assert pending is not None and pending.awaited is Awaited.REPORT_NAME
        assert pending.run_id == runs[0].id and await storage.people.municipality_name(7) is None
        await storage.people.set_municipality_name(7, "Stadt Alt")
        state = await storage.people.municipality_name(7)
        assert state is not None and state.name == "Stadt Alt" and state.decided
        assert await storage.people.pending_input(7) is None
    finally:
        await storage.close()


def test_missing_pango_stops_the_start_with_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def without_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":  # what WeasyPrint raises when libpango is not installed
            raise OSError("cannot load library 'libpango-1.0-0': No such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pango)
    with pytest.raises(ReportSetupError, match="libpango-1.0-0 libpangoft2-1.0-0"):
        check_available()


def test_chart_puts_the_level_in_words_before_the_percentage_and_says_whose_it_is() -> None:
    chart = ProfileChart(
        title="Ihr Profil", scale_labels=CHART.scale_labels, previous_legend=None,
        context="Selbstcheck Weltoffene Kommune · Stadt Musterstadt · 26.11.2026",
        bars=(Bar("1 Steuerung", 56, level="Auf gutem Weg"),
              Bar("3 Teilhabe", None, note="Zu wenige Einschätzungen", insufficient=True,
                  previous=40)))
    svg = draw(chart, "svg").decode()
    for text in ("Auf gutem Weg · 56 %", "Zu wenige Einschätzungen",
                 "Selbstcheck Weltoffene Kommune · Stadt Musterstadt · 26.11.2026"):
        assert f">{text}<" in svg, text
    assert ">56 %<" not in svg  # never the bare number: it would read like a school grade
