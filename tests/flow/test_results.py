"""Stories about the results: chart, printable report, changing answers, comparing runs."""

from __future__ import annotations

import io
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image

from bot.bench.fake_bot_api import FakeBotAPI
from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.flows.results_view import ResultsView
from bot.output.render import Renderer
from bot.store.storage import Storage
from tests.conftest import SMALL_FIELDS, BotHarness, write_questionnaire
from tests.stories import RUN_ONE, RUN_TWO, answer, finish_a_run, labels, pdf_text


def results_view(bot: BotHarness) -> ResultsView:
    return bot.app.bot_data.services.flows.results_view


async def open_storage(bot: BotHarness) -> Storage:
    return await Storage.open(bot.database, bot.clock)


async def set_finished_at(bot: BotHarness, run_id: int, timestamp: str) -> None:
    storage = await open_storage(bot)
    try:
        await storage.database.connection.execute("UPDATE runs SET finished_at = ? WHERE id = ?",
                                  (timestamp, run_id))
    finally:
        await storage.close()


# --- the chart in the chat -----------------------------------------------------------------


async def test_finished_run_brings_chart_then_summary_with_report_and_review_buttons(
        bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    photo, summary = anna.chat[-2], anna.chat[-1]
    assert photo.kind == "photo" and photo.file is not None
    image = Image.open(io.BytesIO(photo.file))
    assert image.format == "PNG" and image.width >= 900  # sharp on a phone screen
    assert "Ihr Profil" in (photo.caption or "") and "Schraffiert" in (photo.caption or "")
    assert "Ihr Ergebnis im Überblick" in (summary.text or "")
    assert labels(summary) == ["🔎 1 · Steuerung", "🔎 2 · Öffnung", "🔎 3 · Teilhabe",
                               "⭐ Nächste Schritte wählen", "📄 Bericht als PDF",
                               "✏️ Antworten ändern"]


async def test_chart_marks_fields_without_enough_answers_and_open_fields(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    core = results_view(bot)
    storage = core.storage
    run = (await storage.runs.finished_runs(anna.id))[0]
    chart = core.profile_chart(await core.run_results(run, await storage.runs.answers(run.id)))
    assert [(b.label, b.score, b.insufficient) for b in chart.bars] == [
        ("1 Steuerung", 56, False), ("2 Öffnung", 33, False), ("3 Teilhabe", None, True)]
    assert chart.bars[2].note == "Zu wenige Einschätzungen"

    await anna.send("/start")
    await anna.tap("Neuen Durchgang")
    await answer(anna, ("A", "A", "A"))
    await anna.send("/ergebnis")
    assert anna.chat[-2].kind == "photo" and "Zwischenstand" in (anna.chat[-2].caption or "")
    active = await storage.runs.active_run(anna.id)
    assert active is not None
    chart = core.profile_chart(await core.run_results(active, await storage.runs.answers(active.id)))
    assert [(b.score, b.note, b.previous) for b in chart.bars] == [
        (100, None, 56), (None, "noch nicht abgeschlossen", None),  # open: nothing to compare
        (None, "noch nicht abgeschlossen", None)]


async def test_results_before_any_field_is_done_have_no_chart(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("A · Trifft zu")
    await anna.send("/ergebnis")
    assert "Zwischenstand" in (anna.last.text or "")
    assert not [m for m in anna.chat if m.kind == "photo"]
    assert anna.last.reply_markup is None  # nothing to report or review yet
    await anna.send("/bericht")
    assert "mindestens ein abgeschlossenes Handlungsfeld" in (anna.last.text or "")


# --- the printable report ----------------------------------------------------------------------


async def test_report_asks_for_the_name_once_and_holds_fields_assessments_and_suggestions(
        bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 5, 20, 22, 30, tzinfo=timezone.utc))  # 21 May in Germany
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    bot.clock.set(datetime(2026, 5, 22, 9, 0, tzinfo=timezone.utc))  # the report, a day later
    await anna.tap("Bericht als PDF")
    assert "Wie heißt Ihre Kommune?" in (anna.last.text or "")
    assert labels(anna.last) == ["Überspringen"]
    await anna.send("  Stadt   Musterstadt <am See> & Umland ")
    confirmation, document = anna.chat[-2], anna.chat[-1]
    assert "Auf dem Deckblatt steht „Stadt Musterstadt <am See> & Umland“" in (confirmation.text or "")
    assert document.file_name is not None and document.file_name.endswith("-2026-05-22.pdf")
    assert "Musterstadt" in document.file_name
    assert "Stadt Musterstadt <am See> & Umland" in (document.caption or "")
    text = pdf_text(document)
    assert "Stadt Musterstadt <am See> & Umland" in text
    assert "kein Ranking" in text and "Orientierung" in text
    # The report shows the finishing day as the municipality reads it (Berlin time),
    # which is the next day in UTC's last hour or two before midnight.
    assert "Durchgang abgeschlossen am 21.05.2026" in text
    for expected in (
            # the fields with their assessments
            "Steuerung & Strategie", "Einschätzung: Auf gutem Weg · 56 %",
            "Die Steuerung ist auf gutem Weg.",
            "Öffnung & Vielfalt", "Einschätzung: Erste Bausteine · 33 %",
            "Erste Bausteine der Öffnung sind gelegt.",
            "Teilhabe", "Einschätzung: Zu wenige Einschätzungen", "Beziehen Sie die Fachämter ein.",
            # suggestions for C and D answers, the hint for an E answer
            "Anregungen zur Weiterarbeit", "1.3 Klären Sie die Zuständigkeiten im Verwaltungsvorstand.",
            "2.1 Überarbeiten Sie die Stellenanzeigen.", "2.2 Bieten Sie Fortbildungen an.",
            # the answers given, statement by statement
            "1.1 Der Rat hat einen Beschluss zur Integrationsarbeit gefasst. B – Trifft eher zu",
            "1.3 Die Zuständigkeiten sind klar geregelt. C – Trifft eher nicht zu",
            "3.1 Kitas informieren Eltern mehrsprachig. E – Keine Einschätzung möglich",
            "Bildung", "Sport"):
        assert expected in text, expected
    assert "Bringen Sie einen Ratsbeschluss" not in text  # answered B: no suggestion

    # the name is asked only once
    await anna.send("/bericht")
    assert anna.last.kind == "document"
    assert "Stadt Musterstadt" in pdf_text(anna.last)
    actions = [c.params["action"] for c in bot.api.calls_to("sendChatAction")]
    assert actions and set(actions) == {"upload_document"}


async def test_report_without_name_and_changing_the_name_later(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.send("/bericht")
    prompt = anna.last
    await anna.tap("Überspringen")
    assert prompt.reply_markup is None  # the prompt's button is gone
    assert "ohne Namen der Kommune" in (anna.chat[-2].text or "")
    assert anna.last.kind == "document" and anna.last.file_name is not None
    assert "Steuerung & Strategie" in pdf_text(anna.last)
    assert labels(anna.last) == ["🏛 Namen der Kommune angeben"]

    await anna.send("Was soll ich hier schreiben?")  # not waiting: the usual hint
    assert "keine Texte auswerten" in (anna.last.text or "")

    await anna.tap("Namen der Kommune angeben")
    await anna.send("Landkreis Musterkreis")
    assert "Landkreis Musterkreis" in pdf_text(anna.last)
    await anna.tap("Namen der Kommune ändern")
    assert "derzeit „Landkreis Musterkreis“" in (anna.last.text or "")
    await anna.tap("Namen behalten")
    assert "Der Name bleibt „Landkreis Musterkreis“" in (anna.last.text or "")
    await anna.tap("Namen der Kommune ändern")
    await anna.tap("Namen entfernen")
    assert "Landkreis Musterkreis" not in pdf_text(anna.last)
    stale_prompt = anna.chat[-3]
    await anna.tap_data("n:s", stale_prompt)  # an old prompt's button, tapped again
    assert "schon erledigt" in (anna.notices()[-1] or "")


async def test_invalid_name_is_asked_again(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.send("/bericht")
    await anna.send("!")
    assert "nicht nach dem Namen einer Kommune" in (anna.last.text or "")
    await anna.send("x" * 81)
    assert "nicht nach dem Namen einer Kommune" in (anna.last.text or "")
    await anna.send("Gemeinde Beispielheim")
    assert "Gemeinde Beispielheim" in pdf_text(anna.last)


async def test_waiting_for_the_name_survives_a_restart(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "n.db", small_questionnaire, renderer, api) as first:
        anna = first.person()
        await finish_a_run(anna, RUN_ONE)
        await anna.send("/bericht")
        assert "Wie heißt Ihre Kommune?" in (anna.last.text or "")
    async with BotHarness(tmp_path / "n.db", small_questionnaire, renderer, api) as second:
        anna = second.person()
        await anna.send("Stadt Neustart")
        assert "Stadt Neustart" in (anna.chat[-2].text or "")
        assert "Stadt Neustart" in pdf_text(anna.last)


async def test_report_of_a_running_check_holds_only_completed_fields(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await answer(anna, ("A", "A", "B", "D"))
    await anna.send("/bericht")
    await anna.tap("Überspringen")
    text = pdf_text(anna.last)
    assert "Zwischenstand" in text and "Einschätzung: Etablierte Stärke · 89 %" in text
    assert "2. Öffnung & Vielfalt noch nicht abgeschlossen" in text
    assert "Überarbeiten Sie die Stellenanzeigen" not in text  # 2.1 answered, field still open


# --- reviewing and changing answers ------------------------------------------------------------


async def test_review_after_a_field_changes_an_answer_and_the_results_follow(
        bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await answer(anna, ("A", "B", "D"))
    note = anna.chat[-2]
    assert labels(note) == ["✏️ Antworten in Feld 1 ändern"]
    await anna.tap("Antworten in Feld 1", note)
    review = anna.last
    assert "Einschätzung jetzt: Auf gutem Weg · 56 %" in (review.text or "")
    assert "1.3 Die Zuständigkeiten sind klar geregelt.\n→ D – Trifft nicht zu" in (review.text or "")
    assert labels(review)[:3] == ["1.1 · A", "1.2 · B", "1.3 · D"]

    await anna.tap("1.3 · D")
    assert anna.last.message_id == review.message_id  # the review turns into the question
    assert "Bisherige Antwort: D – Trifft nicht zu" in (anna.last.text or "")
    assert "✅ D · Trifft nicht zu" in labels(anna.last)
    await anna.tap("A · Trifft zu")
    assert anna.notices()[-1] == "Geändert: 1.3 – A · Trifft zu"
    assert "Einschätzung jetzt: Etablierte Stärke · 89 %" in (anna.last.text or "")
    assert "1.3 · A" in labels(anna.last)

    storage = results_view(bot).storage
    run = await storage.runs.active_run(anna.id)
    assert run is not None and run.cursor is None
    assert await storage.runs.answers(run.id) == {"eins-01": "A", "eins-02": "B", "eins-03": "A"}
    await anna.send("/ergebnis")
    assert "Etablierte Stärke · 89 %" in (anna.last.text or "")
    # the check goes on where it stood
    await anna.tap("Weiter im Selbstcheck", review)
    assert "Stellenanzeigen sprechen Menschen" in (anna.last.text or "")
    assert "gesamt 3/7" in (anna.last.text or "")


async def test_review_from_the_results_of_a_finished_run_changes_summary_and_report(
        bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.tap("Antworten ändern")
    picker = anna.last
    assert labels(picker) == ["1 · Steuerung", "2 · Öffnung", "3 · Teilhabe"]
    await anna.tap("2 · Öffnung")
    assert anna.last.message_id == picker.message_id
    await anna.tap("2.1 · C")
    await anna.tap("A · Trifft zu")
    await anna.tap("2.2 · C")
    await anna.tap("A · Trifft zu")
    assert "Einschätzung jetzt: Etablierte Stärke · 100 %" in (anna.last.text or "")
    assert "Weiter im Selbstcheck" not in labels(anna.last)  # the run is finished

    await anna.tap("📊 Ergebnis")
    summary = anna.last.text or ""
    assert anna.chat[-2].kind == "photo"
    assert "Etablierte Stärke · 100 %" in summary
    assert "Überarbeiten Sie die Stellenanzeigen" not in summary
    await anna.tap("Bericht als PDF")
    await anna.tap("Überspringen")
    text = pdf_text(anna.last)
    assert "2.1 Stellenanzeigen sprechen Menschen mit Einwanderungsgeschichte an. A – Trifft zu" in text
    assert "Überarbeiten Sie die Stellenanzeigen" not in text

    await anna.tap("◀️ Handlungsfelder", picker)  # back to the list, in place
    assert labels(anna.chat[picker.message_id - 1]) == ["1 · Steuerung", "2 · Öffnung",
                                                        "3 · Teilhabe"]


async def test_same_answer_again_changes_nothing(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.tap("Antworten ändern")
    await anna.tap("1 · Steuerung")
    await anna.tap("1.1 · B")
    await anna.tap("B · Trifft eher zu")
    assert anna.notices()[-1] == "Diese Antwort war schon gewählt – nichts geändert."
    await anna.tap("1.1 · B")
    await anna.tap("Zurück zur Übersicht")
    assert "Einschätzung jetzt: Auf gutem Weg · 56 %" in (anna.last.text or "")


async def test_long_fields_are_reviewed_page_by_page(tmp_path: Path, renderer: Renderer) -> None:
    statements = "".join(textwrap.dedent(f"""
        [[statements]]
        id = "lang-{i:02d}"
        text = "Aussage Nummer {i} beschreibt eine Praxis der Kommune."
        suggestion = "Anregung {i}."
        """) for i in range(1, 11))
    long_field = textwrap.dedent(SMALL_FIELDS["01_eins.toml"]).split("[[statements]]")[0]
    files = {"01_lang.toml": long_field.replace('id = "eins"', 'id = "lang"') + statements}
    questionnaire = load_questionnaire(write_questionnaire(tmp_path / "q", files))
    async with BotHarness(tmp_path / "l.db", questionnaire, renderer) as bot:
        anna = bot.person()
        await finish_a_run(anna, ("B",) * 10)
        await anna.tap("Antworten ändern")
        await anna.tap("1 · Steuerung")
        page_one = anna.last
        assert "Aussagen 1–8 von 10" in (page_one.text or "")
        assert labels(page_one)[:9] == [f"1.{i} · B" for i in range(1, 9)] + ["Weitere Aussagen ▶️"]
        await anna.tap("Weitere Aussagen")
        assert "Aussagen 9–10 von 10" in (anna.last.text or "")
        await anna.tap("1.10 · B")
        await anna.tap("D · Trifft nicht zu")
        assert "Aussagen 9–10 von 10" in (anna.last.text or "")  # back on the same page
        assert "1.10 · D" in labels(anna.last)
        assert "Einschätzung jetzt: Auf gutem Weg · 60 %" in (anna.last.text or "")  # 18/30


async def test_forged_and_stale_review_buttons_get_a_polite_refusal(bot: BotHarness) -> None:
    anna, ben = bot.person(4711, "Anna"), bot.person(4712, "Ben")
    await anna.send("/start")
    await anna.tap("beginnen")
    await answer(anna, ("A", "B", "D", "C"))
    run = await results_view(bot).storage.runs.active_run(anna.id)
    assert run is not None
    await ben.send("/start")
    for data in (f"v:{run.id}:eins", f"c:{run.id}:eins-01:D", f"d:{run.id}", f"vl:{run.id}",
                 "c:1:eins-01:F", "v:99:eins", "n:a:99"):
        await ben.tap_data(data, ben.last)
        assert ben.notices()[-1].startswith("Diese Schaltfläche ist nicht (mehr) gültig"), data
    # Anna's own run: an unanswered statement and an open field cannot be changed here
    await anna.tap_data(f"c:{run.id}:zwei-02:A", anna.last)
    assert "noch nicht beantwortet" in (anna.notices()[-1] or "")
    await anna.tap_data(f"c:{run.id}:zwei-01:A", anna.last)
    assert "noch nicht abgeschlossen" in (anna.notices()[-1] or "")
    await anna.tap_data(f"v:{run.id}:zwei", anna.last)
    assert "noch nicht abgeschlossen" in (anna.notices()[-1] or "")
    await anna.tap_data(f"c:{run.id}:eins-99:A", anna.last)
    assert "nicht mehr" in (anna.notices()[-1] or "")
    storage = results_view(bot).storage
    assert await storage.runs.answers(run.id) == {"eins-01": "A", "eins-02": "B", "eins-03": "D",
                                             "zwei-01": "C"}
    # a cancelled run's buttons are closed
    await anna.send("/abbrechen")
    await anna.tap("Ja, diesen Durchgang beenden")
    await anna.tap_data(f"c:{run.id}:eins-01:D", anna.last)
    assert "bereits beendet" in (anna.notices()[-1] or "")
    assert (await storage.runs.answers(run.id))["eins-01"] == "A"


# --- repeating the check later ------------------------------------------------------------------


async def test_a_later_run_shows_each_fields_change_against_the_persons_previous_run(
        bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 6, 15, 8, 0, tzinfo=timezone.utc))  # after both earlier runs
    anna, ben = bot.person(4711, "Anna"), bot.person(4712, "Ben")
    await finish_a_run(anna, RUN_ONE)
    storage = results_view(bot).storage
    first = (await storage.runs.finished_runs(anna.id))[0]
    await set_finished_at(bot, first.id, "2026-02-03T09:30:00+00:00")
    # somebody else's run in between must never be the comparison
    await finish_a_run(ben, ("A",) * 7)

    await anna.send("/start")
    await anna.tap("Neuen Durchgang beginnen")
    await answer(anna, RUN_TWO)
    summary = anna.last.text or ""
    assert "Auf gutem Weg · 67 %" in summary
    assert "▲ +11 Prozentpunkte seit Ihrem Durchgang vom 03.02.2026 (damals 56 %)" in summary
    assert "▼ −16 Prozentpunkte seit Ihrem Durchgang vom 03.02.2026 (damals 33 %)" in summary
    assert "In Ihrem Durchgang vom 03.02.2026: zu wenige Einschätzungen" in summary
    caption = anna.chat[-2].caption or ""
    assert "Die Raute ◆ zeigt Ihren Durchgang vom 03.02.2026" in caption
    assert "Schraffiert" not in caption  # every field has a score this time
    runs = await storage.runs.finished_runs(anna.id)
    assert len(runs) == 2  # the earlier run is kept

    await anna.send("/bericht")
    await anna.tap("Überspringen")
    text = pdf_text(anna.last)
    assert "Verglichen mit Ihrem Durchgang vom 03.02.2026" in text
    assert "Veränderung seit 03.02.2026" in text
    assert "+11 Prozentpunkte" in text and "−16 Prozentpunkte" in text

    # a third run compares with the second, not the first
    await set_finished_at(bot, runs[0].id, "2026-05-20T22:30:00+00:00")  # 21 May in Germany
    await anna.send("/start")
    await anna.tap("Neuen Durchgang beginnen")
    await answer(anna, RUN_TWO)
    summary = anna.last.text or ""
    assert "● unverändert seit Ihrem Durchgang vom 21.05.2026 (damals 67 %)" in summary
    assert "03.02.2026" not in summary


async def test_first_run_shows_no_comparison(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    assert "Prozentpunkte" not in (anna.last.text or "")
    assert "Raute" not in (anna.chat[-2].caption or "")
