"""A participant's own results in a workshop, next to their personal self-check.

The results features (chart, comparison, report, review and change) serve
workshop runs too, but keep the two apart: a workshop run is never compared
with a personal run or another workshop, its report carries the workshop's
municipality, and a closed workshop takes no changed answers.
"""

from __future__ import annotations

from bot.flows.actions import Change
from bot.flows.buttons import encode
from tests.conftest import BotHarness, Person
from tests.stories import RUN_ONE, RUN_TWO, finish_a_run, labels, pdf_text, query, set_up, take_part


async def new_personal_run(person: Person, choices: tuple[str, ...]) -> None:
    await person.send("/start")
    await person.tap("Neuen Durchgang beginnen")
    for choice in choices:
        await person.tap(f"{choice} · ")


async def test_workshop_runs_and_personal_runs_are_never_compared(bot: BotHarness) -> None:
    chris, dora, anna = bot.person(1, "Chris"), bot.person(2, "Dora"), bot.person(3, "Anna")
    await finish_a_run(anna, RUN_ONE)  # personal: 56 % · 33 % · too few

    await take_part(anna, await set_up(chris, "Musterstadt"), "Politik", "AAAAAAA")
    chart, summary, note = anna.chat[-3:]
    assert "Etablierte Stärke · 100 %" in summary.text
    assert "Prozentpunkte" not in summary.text and "Durchgang vom" not in summary.text
    assert chart.kind == "photo" and "Raute" not in chart.caption
    assert "Workshop „Musterstadt“" in note.text

    await take_part(anna, await set_up(dora, "Beispielhausen"), "Politik", "DDDDDDD")
    summary = anna.chat[-2].text
    assert "Ausgangspunkt · 0 %" in summary
    assert "Prozentpunkte" not in summary  # nor with the other workshop

    await new_personal_run(anna, RUN_TWO)
    summary = anna.last.text
    # against the first personal run (56 %), not a workshop run (100 % or 0 %)
    assert "▲ +11 Prozentpunkte seit Ihrem Durchgang vom" in summary
    assert "(damals 56 %)" in summary and "damals 100 %" not in summary


async def test_results_and_report_follow_the_run_last_worked_on(bot: BotHarness) -> None:
    chris, anna = bot.person(1, "Chris"), bot.person(2, "Anna")
    await finish_a_run(anna, RUN_ONE)
    await take_part(anna, await set_up(chris, "Frankfurt (Oder)"), "Bildung", "AAA")

    await anna.send("/ergebnis")  # the workshop run, with its first field completed
    summary, note = anna.chat[-2:]
    assert "Etablierte Stärke · 100 %" in summary.text
    assert "Zwischenstand im Workshop „Frankfurt (Oder)“" in note.text

    await anna.send("/bericht")  # no question for the name: the workshop has it
    report = anna.last
    assert report.kind == "document" and "Frankfurt (Oder)" in report.caption
    assert labels(report) == []  # the workshop's name is not the person's to change
    text = pdf_text(report)
    assert "Frankfurt (Oder)" in text and "Einschätzung: Etablierte Stärke · 100 %" in text
    assert await query(bot.database, "SELECT COUNT(*) FROM municipality_names") == [(0,)]


async def test_the_next_message_answers_the_latest_question_for_a_name(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)

    await anna.send("/bericht")
    assert "Wie heißt Ihre Kommune?" in anna.last.text
    await anna.send("/workshop")  # asked later: the workshop's name wins
    await anna.send("Musterstadt")
    assert "Workshop „Musterstadt“: Handlungsfelder" in anna.last.text
    assert await query(bot.database, "SELECT * FROM municipality_names") == []
    assert await query(bot.database, "SELECT COUNT(*) FROM pending_inputs") == [(0,)]
    await anna.tap("Abbrechen")

    await anna.send("/workshop")
    assert "Für welche Kommune ist der Workshop?" in anna.last.text
    await anna.send("/bericht")  # asked later: the report's name wins
    await anna.send("Stadt Beispielhausen")
    assert anna.last.kind == "document" and "Stadt Beispielhausen" in pdf_text(anna.last)
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_drafts") == [(0,)]
    await anna.send("Noch ein Text")
    assert "keine Texte auswerten" in anna.last.text


async def test_a_closed_workshop_takes_no_changed_answers(bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    await take_part(pia, await set_up(chris), "Politik", "AAAAAAA")
    [(run_id,)] = await query(bot.database, "SELECT id FROM runs WHERE user_id = 2")

    await pia.tap_data(encode(Change(run_id, "eins-01", "B")), pia.last)  # still open: allowed
    assert pia.notices()[-1].startswith("Geändert: 1.1")
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")

    await pia.tap("Antworten ändern")
    await pia.tap("1 · Steuerung")
    assert "Der Rat hat einen Beschluss" in pia.last.text  # her own answers stay visible
    await pia.tap("1.2 · A")
    assert pia.notices()[-1] == "Dieser Workshop ist geschlossen. Antworten werden nicht mehr angenommen."
    await pia.tap_data(encode(Change(run_id, "eins-02", "D")), pia.last)
    assert pia.notices()[-1] == "Dieser Workshop ist geschlossen. Antworten werden nicht mehr angenommen."
    assert await query(bot.database, "SELECT statement_id, choice FROM answers"
                       " WHERE statement_id LIKE 'eins-%' ORDER BY 1") == [
        ("eins-01", "B"), ("eins-02", "A"), ("eins-03", "A")]
