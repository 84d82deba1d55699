"""Stories of one person answering the self-check, as the chat shows them."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.bench.fake_bot_api import FakeBotAPI
from bot.domain.highlights import first_sentence
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person
from tests.stories import query, stored_answers


def answer_labels(person: Person) -> list[str]:
    rows = person.last.reply_markup["inline_keyboard"]
    return [row[0]["text"] for row in rows[:5]]


async def test_start_welcomes_and_first_statement_shows_scale_and_progress(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    welcome = anna.last.text
    assert "Selbstcheck" in welcome and "kein Ranking" in welcome
    assert "7 Aussagen aus 3 Handlungsfeldern" in welcome
    assert "E – Keine Einschätzung möglich" in welcome

    await anna.tap("Selbstcheck beginnen")
    statement = anna.last
    # one progress line; the field's introduction is behind ℹ️, so the buttons stay on screen
    assert statement.text.startswith("Feld 1 · 1/3 · gesamt 0/7\n")
    assert "Wie die Kommune" not in statement.text
    assert "Feld 1 · 1/3 · gesamt 0/7" in statement.text
    assert "Der Rat hat einen Beschluss zur Integrationsarbeit gefasst." in statement.text
    assert answer_labels(anna) == ["A · Trifft zu", "B · Trifft eher zu", "C · Trifft eher nicht zu",
                                   "D · Trifft nicht zu", "E · Keine Einschätzung möglich"]
    extras = [b["text"] for b in statement.reply_markup["inline_keyboard"][5]]
    assert extras == ["ℹ️ Erläuterung", "⏸ Pause"]  # no "Zurück" on the very first statement
    # the welcome keeps its text but loses its button, so it cannot start twice
    assert anna.chat[0].reply_markup is None and "Willkommen" in anna.chat[0].text


async def test_commands_are_registered_in_german(bot: BotHarness) -> None:
    calls = bot.api.calls_to("setMyCommands")
    assert calls, "set_my_commands was not called at start-up"
    names = {c["command"]: c["description"] for c in calls[0].params["commands"]}
    assert list(names) == ["start", "weiter", "ergebnis", "bericht", "workshop", "abbrechen",
                           "hilfe", "datenschutz", "loeschen"]
    assert names["weiter"].startswith("An der letzten offenen Aussage")


async def test_complete_run_edits_in_place_and_ends_with_summary(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    statement_message = anna.last
    await anna.tap("A · Trifft zu")
    # the same message now shows the next statement, with a trace of the answer
    assert anna.last.message_id == statement_message.message_id
    assert "Ihre Antwort zu 1.1: A – Trifft zu" in anna.last.text
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert "Gespeichert: A – Trifft zu" in anna.notices()
    await anna.tap("B · Trifft eher zu")
    await anna.tap("D · Trifft nicht zu")
    # end of field 1: the statement message becomes the interim note, field 2 starts below
    note = anna.chat[-2].text
    assert "Handlungsfeld 1 abgeschlossen: Steuerung & Strategie" in note
    assert "Einschätzung: Auf gutem Weg · 56 %" in note  # (3+2+0)/9
    assert "Die Steuerung ist auf gutem Weg." in note
    assert "Feld 2 · 1/2" in anna.last.text
    # the next field's introduction closes the note that ends the previous one
    assert "Handlungsfeld 2 von 3: Öffnung & Vielfalt\nWie offen die Verwaltung ist." in anna.chat[-2].text
    for label in ("C · Trifft eher nicht", "C · Trifft eher nicht", "E · Keine", "E · Keine"):
        await anna.tap(label)
    # the statement message says so, then the chart and the summary follow
    assert "Geschafft" in anna.chat[-3].text
    assert anna.chat[-2].kind == "photo"
    summary = anna.last.text
    assert "Ihr Ergebnis im Überblick" in summary
    assert "kein Ranking" in summary
    assert "1. Steuerung & Strategie" in summary and "Auf gutem Weg · 56 %" in summary
    assert ("→ 1.3 Die Zuständigkeiten sind klar geregelt.\n"
            "Klären Sie die Zuständigkeiten im Verwaltungsvorstand.") in summary
    assert "Erste Bausteine · 33 %" in summary  # field 2: C, C
    assert "→ 2.1 Stellenanzeigen sprechen Menschen" in summary
    assert "\nZu wenige Einschätzungen\n" in summary  # field 3: E, E
    assert "Beziehen Sie die Fachämter ein." in summary
    assert "Bringen Sie einen Ratsbeschluss" not in summary  # answered A: no suggestion
    assert await stored_answers(bot.database) == {
        "eins-01": "A", "eins-02": "B", "eins-03": "D", "zwei-01": "C", "zwei-02": "C",
        "drei-01": "E", "drei-02": "E"}


async def test_back_lets_the_person_change_the_previous_answer(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("A · Trifft zu")
    await anna.tap("Zurück")
    assert "Der Rat hat einen Beschluss" in anna.last.text
    assert "Bisherige Antwort: A – Trifft zu" in anna.last.text
    assert answer_labels(anna)[0] == "✅ A · Trifft zu"
    await anna.tap("C · Trifft eher nicht zu")
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert "Feld 1 · 2/3 · gesamt 1/7" in anna.last.text
    assert await stored_answers(bot.database) == {"eins-01": "C"}


async def test_back_after_restart_still_knows_where_it_went(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "b.db", small_questionnaire, renderer, api) as first:
        anna = first.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        await anna.tap("B · Trifft eher zu")
        await anna.tap("Zurück")
    async with BotHarness(tmp_path / "b.db", small_questionnaire, renderer, api) as second:
        anna = second.person()
        await anna.send("/weiter")
        assert "Der Rat hat einen Beschluss" in anna.last.text
        assert "Bisherige Antwort: B" in anna.last.text


async def test_info_button_shows_the_explanation_in_place(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("Erläuterung")
    assert "ℹ️ Gemeint ist ein förmlicher Beschluss des Rates." in anna.last.text
    assert "Erläuterung" not in str(anna.last.reply_markup)


async def test_pause_and_resume_after_restart(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "r.db", small_questionnaire, renderer, api) as first:
        anna = first.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        await anna.tap("A · Trifft zu")
        await anna.tap("B · Trifft eher zu")
        await anna.tap("Pause")
        assert "Ihre 2 Antworten sind gespeichert" in anna.last.text
        assert "/weiter" in anna.last.text
        assert [b["text"] for row in anna.last.reply_markup["inline_keyboard"] for b in row] == [
            "▶️ Weitermachen"]
    # the answers were given an hour ago: a real pause
    with sqlite3.connect(tmp_path / "r.db") as db:
        db.execute("UPDATE answers SET answered_at ="
                   " strftime('%Y-%m-%dT%H:%M:%S+00:00', answered_at, '-1 hour')")
    # a new Application on the same database file, as after a restart
    async with BotHarness(tmp_path / "r.db", small_questionnaire, renderer, api) as second:
        anna = second.person()
        await anna.send("/start")
        assert "Willkommen zurück" in anna.chat[-2].text
        assert "2 von 7 Aussagen beantwortet" in anna.chat[-2].text
        assert "Die Zuständigkeiten sind klar geregelt." in anna.last.text
        await anna.tap("D · Trifft nicht zu")
        assert "Handlungsfeld 1 abgeschlossen" in anna.chat[-2].text


async def test_old_button_after_restart_shows_the_open_statement(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "s.db", small_questionnaire, renderer, api) as first:
        anna = first.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        first_statement = anna.last
        stale_data, _ = anna.button("A · Trifft zu")
        await anna.tap("B · Trifft eher zu")
    async with BotHarness(tmp_path / "s.db", small_questionnaire, renderer, api) as second:
        anna = second.person()
        await anna.tap_data(stale_data, first_statement)  # a tap on a button of the old keyboard
        assert anna.notices()[-1] == "Diese Aussage ist bereits beantwortet. Hier geht es weiter."
        assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert await stored_answers(tmp_path / "s.db") == {"eins-01": "B"}


async def test_forged_and_malformed_buttons_get_a_polite_refusal(bot: BotHarness) -> None:
    anna, ben = bot.person(4711, "Anna"), bot.person(4712, "Ben")
    await anna.send("/start")
    await anna.tap("beginnen")
    anna_data, anna_message = anna.button("A · Trifft zu")
    await ben.send("/start")
    refusals = 0
    for data in ("zzz", "a:1:eins-01:F", "a:1:eins-01:A" + "x" * 70, "a:99:eins-01:A",
                 "a:0:eins-01:A", "r:99", "a:1:../../etc:A"):
        await ben.tap_data(data, ben.last)
        refusals += 1
        assert ben.notices()[-1].startswith("Diese Schaltfläche ist nicht (mehr) gültig")
    await ben.tap_data(anna_data, anna_message)  # Anna's run, tapped by Ben
    assert ben.notices()[-1].startswith("Diese Schaltfläche ist nicht (mehr) gültig")
    alerts = [c.params.get("show_alert") for c in bot.api.calls_to("answerCallbackQuery")[-refusals:]]
    assert all(alerts)
    assert await stored_answers(bot.database) == {}


async def test_button_of_a_removed_statement_is_explained(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    data, message = anna.button("A · Trifft zu")
    await anna.tap_data(data.replace("eins-01", "eins-99"), message)
    assert "in der aktuellen Fassung des Fragebogens nicht mehr" in anna.notices()[-1]
    assert "Der Rat hat einen Beschluss" in anna.last.text
    assert await stored_answers(bot.database) == {}


async def test_free_text_and_unknown_commands_get_a_hint(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("Hallo, wie geht das?")
    assert "Schaltflächen" in anna.last.text and "/hilfe" in anna.last.text
    await anna.send("/foo")
    assert "Den Befehl /foo kenne ich leider nicht" in anna.last.text
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.send("Trifft zu")
    assert "Schaltflächen" in anna.chat[-2].text
    assert "Der Rat hat einen Beschluss" in anna.last.text and anna.last.reply_markup


async def test_help_lists_every_command(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/hilfe")
    about, help_text = anna.texts()[-2:]
    for command in ("/start", "/weiter", "/ergebnis", "/bericht", "/workshop", "/abbrechen",
                    "/hilfe", "/datenschutz", "/loeschen"):
        assert command in help_text
    assert "Zurück" in help_text
    assert "„E – Keine Einschätzung möglich“ heißt: Sie können es nicht beurteilen." in help_text


async def test_help_tells_what_the_self_check_is_and_is_not(bot: BotHarness) -> None:
    """Where the fields come from, who answers, how long it takes: the first message of /hilfe."""
    anna = bot.person()
    await anna.send("/hilfe")
    about = anna.texts()[-2]
    assert about.startswith("Über diesen Selbstcheck")
    assert "„Weltoffene Kommune – Vom Dialog zum Zusammenhalt“ der Bertelsmann Stiftung und von " \
        "PHINEO (2019–2022)" in about
    assert "unabhängige Umsetzung" in about and "kein Ranking" in about
    assert "keine wissenschaftliche Analyse" in about
    assert "Wer ausfüllt und wen Sie dazuholen" in about
    # the small test questionnaire: fields of 2 and 3 statements
    assert "Ein Handlungsfeld hat 2 bis 3 Aussagen und dauert etwa 1 bis 2 Minuten." in about


async def test_cancel_ends_the_run_after_confirmation_and_keeps_it_stored(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/abbrechen")
    assert "läuft kein Selbstcheck" in anna.last.text
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("A · Trifft zu")
    await anna.send("/abbrechen")
    await anna.tap("Nein, weitermachen")
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    await anna.send("/abbrechen")
    await anna.tap("Ja, diesen Durchgang beenden")
    assert "Der Durchgang ist beendet" in anna.last.text
    await anna.send("/start")
    await anna.tap("beginnen")
    assert "gesamt 0/7" in anna.last.text
    counts = await query(bot.database, "SELECT status, COUNT(*) FROM runs GROUP BY status")
    assert {status: count for status, count in counts} == {"active": 1, "cancelled": 1}


async def test_finished_check_offers_results_again_and_a_new_run(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    for _ in range(7):
        await anna.tap("B · Trifft eher zu")
    await anna.send("/start")
    assert "Ihr Selbstcheck ist abgeschlossen" in anna.last.text
    today = datetime.now(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y")  # the local date
    assert f"Sie haben ihn am {today} beendet" in anna.last.text
    await anna.tap("Ergebnisse anzeigen")
    assert "Ihr Ergebnis im Überblick" in anna.last.text
    await anna.send("/start")
    await anna.tap("Neuen Durchgang beginnen")
    assert "gesamt 0/7" in anna.last.text


async def test_results_midway_show_only_completed_fields(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/ergebnis")
    assert "noch keinen Selbstcheck begonnen" in anna.last.text
    await anna.send("/start")
    await anna.tap("beginnen")
    for _ in range(3):
        await anna.tap("A · Trifft zu")
    await anna.send("/ergebnis")
    summary = anna.last.text
    assert "Zwischenstand" in summary
    assert "Etablierte Stärke · 100 %" in summary
    assert "Noch nicht abgeschlossen: 0 von 2 Aussagen beantwortet." in summary


async def test_full_questionnaire_from_start_to_summary(
        tmp_path: Path, full_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "full.db", full_questionnaire, renderer) as harness:
        anna = harness.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        total = len(full_questionnaire.statements)
        for index in range(total):
            await anna.tap("CDDCB"[index % 5] + " ·")  # mostly C/D: many suggestions, a long summary
        notes = [m.text for m in anna.chat if "abgeschlossen:" in (m.text or "")]
        assert len(notes) == 6  # fields 1–6; the last field ends with the summary
        summary_start = next(i for i, m in enumerate(anna.chat) if "Ihr Ergebnis im Überblick" in (m.text or ""))
        summary = anna.chat[summary_start:]
        assert len(summary) <= 2, "even with mostly C/D answers the result fits in two messages"
        joined = "\n".join(m.text or "" for m in summary)
        for field in full_questionnaire.fields:
            assert f"{field.number}. {field.title}" in joined
        first = full_questionnaire.fields[0]
        # 1.2 and 1.3 answered D come first, each with its statement and suggestion's first sentence
        for statement in first.statements[1:3]:
            assert f"{statement.text}\n{first_sentence(statement.suggestion)}" in joined
        assert first.statements[0].text not in joined  # answered C: one tap away
    assert len(await stored_answers(tmp_path / "full.db")) == total
