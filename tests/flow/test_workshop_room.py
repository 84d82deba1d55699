"""What the room takes home: the administration's own view beside it, the shared low
statements as the way to agreed steps, and a plan for the dialogue event after the workshop."""

from __future__ import annotations

import csv
import io

from tests.conftest import BotHarness, Person
from tests.stories import close, finish_a_run, labels, pdf_pages, query, reopen_menu, set_up, take_part

BOT_SETTINGS = {"min_group": 3}
OWN = ("A",) * 7  # the coordinator's own self-check: everything applies (100 %)
# Politics rate everything low; education rates field 2 high and the rest low: fields 1 and
# 3 are shared low, field 2 is where the two part.
ROOM = [("Politik", "DDDDDDD")] * 3 + [("Bildung", "CCCAACC")] * 3


async def room_with_reference(bot: BotHarness, *, consent: bool = True) -> Person:
    chris = bot.person(1, "Chris")
    await finish_a_run(chris, OWN)
    payload = await set_up(chris)
    await chris.tap("🏛 Sicht der Verwaltung")
    consent_text = chris.last.text
    assert "Das würde gezeigt" in consent_text and "nicht anonym" in consent_text
    assert "1. Steuerung: Etablierte Stärke (100 %)" in consent_text
    assert "zählt in keiner Perspektive, nicht im Gesamtwert" in consent_text
    if consent:
        await chris.tap("Ja, als Referenz zeigen")
        assert chris.notices()[-1].startswith("Ihre Selbsteinschätzung steht jetzt als Referenz")
        assert "↩️ Referenz zurückziehen" in labels(chris.last)
    for i, (perspective, answers) in enumerate(ROOM):
        await take_part(bot.person(10 + i, f"P{i}"), payload, perspective, answers)
    await close(chris)
    return chris


def result_of(person: Person) -> str:
    start = max(i for i, m in enumerate(person.chat) if (m.text or "").startswith("📊 Workshop „"))
    return "\n".join(m.text or "" for m in person.chat[start:])


async def test_the_administrations_view_stands_beside_the_room_and_is_counted_nowhere(
        bot: BotHarness) -> None:
    chris = await room_with_reference(bot)
    await chris.tap("📊 Ergebnis")
    result = result_of(chris)
    assert "Grundlage sind die Antworten von 6 Teilnehmer*innen" in result  # not 7
    assert "Perspektiven: Politik (3) · Bildung (3)" in result
    assert "Referenz – Selbsteinschätzung der Verwaltung: Etablierte Stärke (100 %)" in result
    assert "Gesamt: <b>" not in result  # (plain text in the fake API)
    # the room's overall value is the room's alone: (0 + 33) / 2 for field 1
    assert "Gesamt: Ausgangspunkt (17 %)" in result or "Gesamt: Erste Schritte (17 %)" in result
    assert "🏛 Sicht der Verwaltung und Sicht des Raums" in result
    assert "1.1 Der Rat hat einen Beschluss zur Integrationsarbeit gefasst.\n" \
           "  Verwaltung 100 % · Gesamt 17 %" in result
    assert "🧱 Gemeinsame Baustellen" in result
    assert "• Handlungsfeld 1. Steuerung & Strategie" in result
    assert "• Handlungsfeld 2." not in result  # education rated it high
    assert "• 3.2 " in result
    buttons = labels(chris.last)
    assert "✍️ Schritt zu 1.1 eintragen" in buttons and "✍️ Schritt zu 2.1 eintragen" not in buttons

    # the comparison chart has the reference as a column of its own, the last one
    chart = next(m for m in reversed(chris.chat) if m.kind == "photo")
    assert chart.file and chart.file.startswith(b"\x89PNG")


async def test_without_consent_nothing_of_the_coordinators_own_check_is_shown(
        bot: BotHarness) -> None:
    chris = await room_with_reference(bot, consent=False)
    await chris.tap("📊 Ergebnis")
    result = result_of(chris)
    assert "Referenz" not in result and "Sicht der Verwaltung" not in result
    assert "🧱 Gemeinsame Baustellen" in result  # the room's own findings are there
    await chris.tap("🗂 CSV-Export", chris.chat[-3])
    assert "Referenz" not in chris.last.file.decode("utf-8-sig")
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_references") == [(0,)]


async def test_the_reference_can_be_withdrawn_until_the_workshop_closes(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await finish_a_run(chris, OWN)
    await set_up(chris)
    await chris.tap("🏛 Sicht der Verwaltung")
    await chris.tap("Ja, als Referenz zeigen")
    assert await query(bot.database, "SELECT user_id FROM workshop_references") == [(1,)]
    stale = chris.button("Referenz zurückziehen")
    await chris.tap("Referenz zurückziehen")
    assert chris.notices()[-1].startswith("Die Referenz ist zurückgezogen")
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_references") == [(0,)]
    await chris.tap_data(*stale)  # the same tap again: the workshop has moved on
    assert "inzwischen geändert" in chris.notices()[-1]

    await chris.tap("🏛 Sicht der Verwaltung")
    await chris.tap("Ja, als Referenz zeigen")
    await close(chris)
    await chris.tap("🏛 Sicht der Verwaltung")
    assert "lässt sich nicht mehr zurückziehen" in chris.last.text
    assert "↩️ Referenz zurückziehen" not in labels(chris.last)


async def test_without_an_own_finished_self_check_there_is_nothing_to_place(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris)
    await chris.tap("🏛 Sicht der Verwaltung")
    assert "Dafür braucht es einen eigenen, abgeschlossenen Selbstcheck" in chris.last.text
    assert labels(chris.last) == ["◀️ Menü"]


async def test_a_shared_low_statement_leads_to_an_agreed_step_in_csv_pdf_and_dialogue_plan(
        bot: BotHarness) -> None:
    chris = await room_with_reference(bot)
    await chris.tap("📊 Ergebnis")
    await chris.tap("✍️ Schritt zu 1.1 eintragen")
    prompt = chris.last.text
    assert "Schritt 1 für den Workshop „Musterstadt“" in prompt
    assert "Zur gemeinsamen Baustelle 1.1: „Der Rat hat einen Beschluss zur Integrationsarbeit" \
           " gefasst.“" in prompt
    await chris.send("Beschlussvorlage Integration einbringen\nBürgermeisterin\nbis März 2027")
    assert "1. Beschlussvorlage Integration einbringen" in chris.last.text

    await reopen_menu(chris)
    await chris.tap("🗣 Dialogveranstaltung planen")
    start = max(i for i, m in enumerate(chris.chat) if (m.text or "").startswith("🗣 Workshop"))
    plan = "\n".join(m.text or "" for m in chris.chat[start:])
    assert "eine Dialogveranstaltung planen" in plan
    assert "Zu „Stellenanzeigen sprechen Menschen mit Einwanderungsgeschichte an.“ (2.1) gehen" \
           " die Sichten auseinander: Bildung 100 %, Politik 0 %." in plan
    # three disagreements first, then two shared low statements, then the administration's view
    assert "4. Bei „Es gibt ein Integrationskonzept mit Zielen.“ (1.2) sehen alle Perspektiven" \
           " Handlungsbedarf." in plan
    assert "6. Die Verwaltung schätzt „Kitas informieren Eltern mehrsprachig.“ (3.1) mit 100 % ein," \
           " der Raum insgesamt mit 17 %." in plan
    invite = plan[plan.index("Wen Sie einladen"):]
    assert "• Politik\n• Bildung" in invite
    assert "niemand aus diesen Perspektiven dabei" in invite and "Wirtschaft" in invite
    assert "Fishbowl" in plan and "Runder Tisch" in plan and "Acht Wochen vorher" in plan

    await reopen_menu(chris)
    await chris.tap("🗂 CSV-Export")
    rows = list(csv.reader(io.StringIO(chris.last.file.decode("utf-8-sig")), delimiter=";"))
    own = "Referenz: Selbsteinschätzung der Verwaltung (eine Person, nicht anonym)"
    assert ["Handlungsfeld", "1", "Steuerung & Strategie", own, "1", "3", "0", "100",
            "Etablierte Stärke"] in rows
    assert ["Aussage", "1.1", "Der Rat hat einen Beschluss zur Integrationsarbeit gefasst.", own,
            "1", "1", "0", "100", ""] in rows
    assert ["Gemeinsame Baustellen", "Art", "Nr.", "Handlungsfeld / Aussage",
            "Gesamtwert des Raums in %"] in rows
    assert ["Gemeinsame Baustelle", "Handlungsfeld", "1", "Steuerung & Strategie", "17"] in rows
    assert ["Gemeinsame Baustelle", "Aussage", "3.2"] == rows[rows.index(
        ["Gemeinsame Baustelle", "Handlungsfeld", "3", "Teilhabe", "17"]) + 5][:3]
    assert ["Unterschied", "1.1", "Der Rat hat einen Beschluss zur Integrationsarbeit gefasst.",
            "100", "17", "83"] in rows
    assert rows[-1] == ["Schritt", "1", "Beschlussvorlage Integration einbringen",
                        "Bürgermeisterin", "bis März 2027"]  # the steps stay last

    await chris.tap("📄 Bericht als PDF", chris.chat[-2])
    pages = pdf_pages(chris.last)
    text = " ".join(pages)
    assert "Referenz: Selbsteinschätzung der Verwaltung 1 Etablierte Stärke 100 %" in text
    assert "Sicht der Verwaltung und Sicht des Raums" in text
    assert "Gemeinsame Baustellen" in text
    dialogue = next(page for page in pages if page.startswith("Nach dem Workshop"))
    assert "Fragen für das Gespräch" in dialogue and "Wen Sie einladen" in dialogue
    assert "(2.1) gehen die Sichten auseinander" in dialogue
    assert pages[-1].startswith("Vereinbarte nächste Schritte")
    assert "Beschlussvorlage Integration einbringen Bürgermeisterin bis März 2027" in pages[-1]


async def test_fields_shared_low_without_a_shared_statement_offer_no_step_buttons(
        bot: BotHarness) -> None:
    # Field 1 is low for both groups, yet each of its statements is rated well by one of
    # them; fields 2 and 3 are rated well: shared low fields, no shared low statement.
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    room = [("Politik", "BBDAAAA")] * 3 + [("Bildung", "DDBAAAA")] * 3
    for i, (perspective, answers) in enumerate(room):
        await take_part(bot.person(10 + i, f"P{i}"), payload, perspective, answers)
    await close(chris)
    await chris.tap("📊 Ergebnis")
    result = result_of(chris)
    assert "Gemeinsame Baustellen" in result and "1. Steuerung" in result
    assert "Mit den Schaltflächen unten" not in result
    assert not [label for label in labels(chris.last) if label.startswith("✍️ Schritt zu")]
