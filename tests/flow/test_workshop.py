"""Workshop stories: a coordinator, co-coordinators and many participants in one bot."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from bot.bench.fake_bot_api import FakeBotAPI, StoredMessage
from bot.domain.questionnaire import Questionnaire
from bot.flows.actions import CONFIRMED_ACTIONS, MANAGE_ACTIONS, ChoosePerspective, ConfirmWorkshop, ManageWorkshop
from bot.flows.buttons import encode
from bot.output.qr import qr_png
from bot.output.render import Renderer
from bot.store.people import PENDING_INPUT_VALID
from bot.store.storage import Storage
from tests.conftest import BotHarness
from tests.stories import (
    LINK,
    REFUSAL,
    close,
    latest_link,
    menu,
    pdf_pages,
    pdf_text,
    query,
    release,
    reopen_menu,
    result_text,
    run_workshop,
    set_up,
    take_part,
    workshop_id,
)

# These stories are told with the smallest group size the setting allows.
BOT_SETTINGS = {"min_group": 3}


def payload_in(message: StoredMessage) -> str:
    match = LINK.search(message.text or "")
    assert match, f"no invitation link in {message.text!r}"
    return match.group("payload")


# --- setting up ------------------------------------------------------------------------


async def test_coordinator_sets_up_a_workshop_and_gets_link_and_qr_code(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await chris.send("/workshop")
    assert "Für welche Kommune ist der Workshop?" in chris.last.text
    await chris.send("M")
    assert "mit 2 bis 80 Zeichen" in chris.last.text
    await chris.send("  Frankfurt   (Oder) ")
    assert "Workshop „Frankfurt (Oder)“: Handlungsfelder" in chris.last.text
    assert "Noch ist kein Handlungsfeld gewählt." in chris.last.text  # none chosen at first
    assert "✅" not in str(chris.last.reply_markup)
    await chris.tap("Weiter: Gruppen")  # not without a field
    assert chris.notices()[-1] == "Bitte wählen Sie mindestens ein Handlungsfeld."
    await chris.tap("1. ")
    await chris.tap("2. ")
    assert "Gewählt: 2 von 3 Handlungsfeldern mit 5 Aussagen" in chris.last.text
    assert "▫️ 3. Teilhabe" in str(chris.last.reply_markup)
    await chris.tap("Weiter: Gruppen")
    assert "Gruppen und Teilnehmende" in chris.last.text
    await chris.tap("Workshop anlegen")

    created, invitation, photo, menu = chris.chat[-4:]
    assert "Der Workshop „Frankfurt (Oder)“ ist angelegt." in created.text
    assert created.reply_markup is None  # the field choice cannot create a second workshop
    payload = payload_in(invitation)
    assert "Ihre einzelnen Antworten sieht niemand, auch nicht die Moderation" in invitation.text
    assert "wo mindestens 3 Personen geantwortet haben" in invitation.text
    assert "auch nicht mit erfundenen Teilnehmenden" in invitation.text
    assert "wenn sie den Workshop schließt" in invitation.text
    # one invitation for both channels: the browser address (in the QR code too) and Telegram
    browser = f"http://127.0.0.1:8080/w/{payload.removeprefix('w_')}"
    assert browser in invitation.text and "ohne Anmeldung und ohne App" in invitation.text
    assert f"https://t.me/selbstcheck_test_bot?start={payload}" in invitation.text
    assert photo.kind == "photo" and "QR-Code zum Workshop „Frankfurt (Oder)“" in photo.caption
    assert photo.file == qr_png(browser)
    assert "Handlungsfelder: 1. Steuerung, 2. Öffnung" in menu.text
    # the public address is not set: the coordinator learns that no phone in the room gets in
    assert "Einladungen zeigen auf diesen Rechner" in menu.text
    assert "SELBSTCHECK_PUBLIC_URL" in menu.text and browser in menu.text
    assert "0 beigetreten, 0 fertig" in menu.text and "Moderation: 1 Person" in menu.text
    rows = await query(bot.database, "SELECT municipality, field_ids, status, created_by FROM workshops")
    assert rows == [("Frankfurt (Oder)", "eins,zwei", "open", 1)]


async def test_a_repeated_create_tap_makes_one_workshop(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await chris.send("/workshop Musterstadt")
    await chris.tap("Alle Handlungsfelder")
    await chris.tap("Weiter: Gruppen")
    data, message = chris.button("Workshop anlegen")
    await chris.tap_data(data, message)
    await chris.tap_data(data, message)  # the same update delivered twice
    assert chris.notices()[-1].startswith("Diese Einrichtung ist nicht mehr aktuell")
    assert await query(bot.database, "SELECT COUNT(*) FROM workshops") == [(1,)]


async def test_a_late_message_is_not_taken_for_the_awaited_name(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await chris.send("/workshop")
    bot.clock.advance(PENDING_INPUT_VALID)
    await chris.send("Musterstadt")
    assert "Ich kann leider keine Texte auswerten" in chris.last.text
    assert await query(bot.database, "SELECT municipality FROM workshop_drafts") == [(None,)]


async def test_workshop_command_lists_the_persons_workshops(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris, "Musterstadt")
    await set_up(chris, "Beispielhausen")
    await chris.send("/workshop")
    labels = [row[0]["text"] for row in chris.last.reply_markup["inline_keyboard"]]
    assert labels == ["Beispielhausen · offen", "Musterstadt · offen", "➕ Neuen Workshop anlegen"]
    await chris.tap("Musterstadt · offen")
    assert chris.last.text.startswith("Workshop „Musterstadt“")
    await chris.send("/workshop")
    await chris.tap("Neuen Workshop anlegen")
    assert "Für welche Kommune ist der Workshop?" in chris.last.text


# --- taking part --------------------------------------------------------------------------


async def test_participant_joins_chooses_a_perspective_and_answers_the_selected_fields(
        bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    payload = await set_up(chris, without=("3. Teilhabe",))
    await pia.send(f"/start {payload}")
    join = pia.last
    assert "Willkommen zum Selbstcheck-Workshop „Musterstadt“" in join.text
    assert "Sie beantworten 5 Aussagen aus den Handlungsfeldern „Steuerung & Strategie“" in join.text
    assert "Ihre einzelnen Antworten sieht niemand, auch nicht die Moderation" in join.text
    assert "wo mindestens 3 Personen geantwortet haben" in join.text
    assert "Sie moderieren diesen Workshop" not in join.text
    labels = [row[0]["text"] for row in join.reply_markup["inline_keyboard"]]
    assert labels == ["Verwaltung: Integration", "Verwaltung: anderes Fachamt",
                      "Verwaltungsspitze / Leitung", "Ausländerbehörde", "Politik",
                      "Migrant*innenorganisation / Integrationsbeirat",
                      "Zivilgesellschaft / Wohlfahrt", "Wirtschaft, Jobcenter, Agentur für Arbeit",
                      "Bildung", "Andere"]
    await pia.tap("Politik")
    assert "Ihre Perspektive: Politik" in pia.chat[-2].text
    assert "Andere Perspektive wählen" in str(pia.chat[-2].reply_markup)  # until the first answer
    assert "Feld 1 · 1/3 · gesamt 0/5" in pia.last.text
    for choice in "ABCDA":
        await pia.tap(f"{choice} · ")
    done, chart, summary, note = pia.chat[-4:]
    assert "Sie haben alle Aussagen des Workshops beantwortet" in done.text
    assert chart.kind == "photo" and "Ihr Profil" in chart.caption  # the person's own chart
    assert "Ihr Ergebnis im Überblick" in summary.text
    assert "Teilhabe" not in summary.text  # field 3 was not selected
    assert "Das gemeinsame Ergebnis aller Perspektiven stellt Ihnen die Moderation" in note.text
    rows = await query(bot.database, "SELECT perspective FROM workshop_participants")
    assert rows == [("politik",)]

    await pia.send(f"/start {payload}")  # the link again, after finishing
    assert "bereits alle Aussagen beantwortet" in pia.last.text
    await pia.tap("Mein persönliches Ergebnis")
    assert "Ihr Ergebnis im Überblick" in "\n".join(pia.texts()[-3:])


async def test_joining_keeps_the_personal_check_and_weiter_follows_the_last_one_worked_on(
        bot: BotHarness) -> None:
    chris, anna = bot.person(1, "Chris"), bot.person(2, "Anna")
    payload = await set_up(chris)
    await anna.send("/start")
    await anna.tap("Selbstcheck beginnen")
    await anna.tap("A · ")
    await anna.tap("B · ")
    personal_data, personal_message = anna.button("C · ")
    await anna.send(f"/start {payload}")
    assert "Ihr eigener, persönlicher Selbstcheck bleibt davon unberührt" in anna.last.text
    await anna.tap("Verwaltung: Integration")
    await anna.tap("D · ")  # first workshop answer

    await anna.send("/weiter")
    note, statement = anna.chat[-2:]
    assert "Sie sind im Workshop „Musterstadt“" in note.text
    assert "gesamt 1/7" in statement.text
    assert "Zum eigenen Selbstcheck" in str(note.reply_markup)
    await anna.tap("Zum eigenen Selbstcheck")
    assert "gesamt 2/7" in anna.last.text
    assert "Die Zuständigkeiten sind klar geregelt." in anna.last.text
    await anna.send("/weiter")  # now the personal check is the one last worked on
    assert "Sie sind im Workshop" not in anna.chat[-2].text
    assert "Zum Workshop „Musterstadt“" in str(anna.chat[-2].reply_markup)
    assert "gesamt 2/7" in anna.last.text

    # an old button of the personal check keeps answering the personal check
    await anna.tap_data(personal_data, personal_message)
    await anna.send("/start")
    assert "gesamt 3/7" in anna.last.text and "Sie sind im Workshop" not in anna.chat[-2].text
    runs = await query(bot.database, "SELECT workshop_id IS NULL, status FROM runs ORDER BY id")
    assert runs == [(1, "active"), (0, "active")]
    answers = await query(bot.database, "SELECT r.workshop_id IS NULL, COUNT(*) FROM answers a"
                          " JOIN runs r ON r.id = a.run_id GROUP BY 1 ORDER BY 1")
    assert answers == [(0, 1), (1, 3)]


async def test_cancelling_a_workshop_run_explains_what_it_means(bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    payload = await set_up(chris)
    await take_part(pia, payload, "Bildung", "AB")
    await pia.send("/abbrechen")
    assert "Ihre Teilnahme am Workshop „Musterstadt“ wirklich beenden?" in pia.last.text
    await pia.tap("Ja, diesen Durchgang beenden")
    await pia.send(f"/start {payload}")  # rejoining starts afresh, same perspective
    assert "gesamt 0/7" in pia.last.text


# --- links that do not (or no longer) work ----------------------------------------------------


async def test_wrong_renewed_and_closed_links_get_a_clear_message(bot: BotHarness) -> None:
    chris, pia, paul = bot.person(1, "Chris"), bot.person(2, "Pia"), bot.person(3, "Paul")
    old = await set_up(chris)
    await take_part(pia, old, "Politik", "AB")

    for wrong in (f"w_{'x' * 22}", "w_short", "k_" + "y" * 22, "hallo"):
        before = len(paul.chat)
        await paul.send(f"/start {wrong}")
        reply = paul.chat[before]
        assert "nicht (mehr) gültig" in reply.text
        assert "Willkommen zum Selbstcheck" not in reply.text
    # a malformed link (not a token the bot could have made) also gets the welcome
    assert "Willkommen zum Selbstcheck" in paul.last.text

    await chris.tap("Link erneuern")
    assert "Der bisherige Link und der bisherige QR-Code funktionieren danach nicht mehr" in chris.last.text
    await chris.tap("Ja, neuen Link erzeugen")
    new = latest_link(chris)
    assert new != old and chris.last.kind == "photo"
    await paul.send(f"/start {old}")
    assert "Dieser Einladungslink ist nicht (mehr) gültig" in paul.last.text
    await paul.send(f"/start {new}")
    assert "Aus welcher Perspektive nehmen Sie teil?" in paul.last.text
    await pia.send("/weiter")  # who already takes part just carries on
    assert "gesamt 2/7" in pia.last.text
    await pia.tap("C · ")

    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    assert "Status: geschlossen am" in menu(chris).text
    assert "Workshop schließen" not in str(menu(chris).reply_markup)
    await paul.send(f"/start {new}")
    assert "Der Workshop „Musterstadt“ ist geschlossen" in paul.last.text
    await paul.tap("Politik")  # the perspective buttons he got before closing
    assert paul.notices()[-1] == "Dieser Workshop ist geschlossen. Antworten werden nicht mehr angenommen."
    await pia.tap("D · ")  # Pia's open statement
    assert pia.notices()[-1] == "Dieser Workshop ist geschlossen. Antworten werden nicht mehr angenommen."
    await pia.send("/weiter")
    assert "Ihr Workshop „Musterstadt“ ist abgeschlossen: Er wurde geschlossen" in pia.last.text
    assert await query(bot.database, "SELECT COUNT(*) FROM answers") == [(3,)]


# --- the aggregated result ------------------------------------------------------------------


async def test_result_per_perspective_with_topics_for_dialogue(bot: BotHarness) -> None:
    chris, _ = await run_workshop(bot)
    await chris.tap("📈 Stand")
    status = chris.last.text
    assert "Beigetreten: 9 · mit mindestens einem Handlungsfeld: 9 · alle Aussagen beantwortet: 9" in status
    assert "• Verwaltung: Integration: 3 beigetreten, 3 mit Handlungsfeld, 3 fertig\n" in status
    assert ("• Bildung: 2 beigetreten, 2 mit Handlungsfeld, 2 fertig – für eine eigene Auswertung "
            "fehlen noch 1\n") in status
    assert "werden zusammengefasst als „weitere Perspektiven“: Bildung, Andere." in status
    assert "Zuletzt freigegeben: Zwischenstand Nr. 1." in status
    await chris.tap("📊 Ergebnis")
    text = result_text(chris)
    chart = next(m for m in reversed(chris.chat) if m.kind == "photo")
    assert "die Perspektiven im Vergleich" in chart.caption and chart.file_name == (
        "vergleich-Musterstadt.png")
    assert chris.chat.index(chart) < len(chris.chat) - 1  # the picture first, then the text
    assert "Grundlage sind die Antworten von 9 Teilnehmer*innen" in text
    assert "Perspektiven: Verwaltung: Integration (3) · Politik (3) · weitere Perspektiven (3)" in text
    assert ("1. Steuerung & Strategie\nGesamt: Auf gutem Weg (52 %)\n"
            "• Verwaltung: Integration: Etablierte Stärke (100 %)\n"
            "• Politik: Ausgangspunkt (0 %)\n"
            "• weitere Perspektiven: Auf gutem Weg (56 %)") in text
    assert "Bildung" not in text and "Andere" not in text  # 2 and 1: never shown on their own
    # an interim release shows the fields only: statements are released once, at closing
    assert "Die einzelnen Aussagen und die Gesprächsanlässe zeigt erst das Ergebnis beim " \
           "Schließen" in text and "• 1.1" not in text
    await close(chris)
    await chris.tap("📊 Ergebnis")
    text = result_text(chris)
    dialogue = text.split("Gesprächsanlässe")[1].split("Das konnten viele")[0]
    assert "• 1.1 Der Rat hat einen Beschluss" in dialogue
    assert "Verwaltung: Integration 100 % · Politik 0 % · weitere Perspektiven 56 %" in dialogue
    assert dialogue.count("• ") == 5 and "CSV-Export" in dialogue
    unjudged = text.split("Das konnten viele nicht einschätzen")[1]
    assert "• 3.2 Sportvereine werden bei interkultureller Öffnung unterstützt. – 6 von 9" in unjudged


async def test_csv_export_holds_the_aggregates_only(bot: BotHarness) -> None:
    chris, _ = await run_workshop(bot)
    await chris.tap("🗂 CSV-Export")
    interim = chris.last.file.decode("utf-8-sig").splitlines()
    assert len(interim) == 1 + 3 * 4 and "Handlungsfeld;1;Steuerung & Strategie;Gesamt;9;27;0;52;" \
        "Auf gutem Weg" in interim  # the fields only, until closing
    await close(chris)
    await chris.tap("🗂 CSV-Export")
    document = chris.last
    assert document.kind == "document" and document.file_name == "workshop-Musterstadt.csv"
    assert "9 Teilnehmer*innen" in document.caption
    lines = document.file.decode("utf-8-sig").splitlines()
    assert lines[0] == ("Ebene;Nr.;Handlungsfeld / Aussage;Perspektive;Personen mit Einschätzung;"
                        "Antworten;davon Keine Einschätzung möglich;Wert in %;Einschätzung")
    assert "Handlungsfeld;1;Steuerung & Strategie;Gesamt;9;27;0;52;Auf gutem Weg" in lines
    assert "Handlungsfeld;1;Steuerung & Strategie;weitere Perspektiven;3;9;0;56;Auf gutem Weg" in lines
    # Politik could not judge 3.2: its counts show (withholding it would tell that), no value
    assert ("Aussage;3.2;Sportvereine werden bei interkultureller Öffnung unterstützt.;Politik;"
            "0;3;3;;") in lines
    assert len(lines) == 1 + 3 * 4 + 7 * 4  # header, fields and statements x (overall + 3 groups)
    assert not any("Bildung" in line or "Andere" in line for line in lines)


async def test_printable_report_with_a_chart_per_perspective(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    # as run_workshop, but Politik cannot judge field 3 at all: a gap there, never a zero
    plan = ([("Verwaltung: Integration", "AAAAAAA")] * 3 + [("Politik", "DDDDDEE")] * 3
            + [("Bildung", "BBBBBBE")] * 2 + [("Andere", "CCCCCCE")])
    people = [bot.person(100 + i, f"P{i}") for i in range(len(plan))]
    for person, (perspective, answers) in zip(people, plan):
        await take_part(person, payload, perspective, answers)
    await release(chris)
    await chris.tap("📄 Bericht als PDF")
    interim = pdf_text(chris.last)
    assert "(der Workshop ist noch offen)" in interim and "1.1 Der Rat" not in interim
    assert "Die einzelnen Aussagen, die Gesprächsanlässe und was viele nicht einschätzen " \
           "konnten, zeigt erst das Ergebnis beim Schließen" in interim
    await close(chris)

    await chris.tap("📄 Bericht als PDF")
    document = chris.last
    assert document.kind == "document" and document.file_name == "workshop-Musterstadt.pdf"
    assert "Bericht zum Workshop „Musterstadt“" in document.caption
    assert "(9 Teilnehmer*innen)" in document.caption
    assert bot.api.calls_to("sendChatAction")[-1].params["action"] == "upload_document"
    text = pdf_text(document)
    reader = PdfReader(io.BytesIO(document.file))
    for expected in (
            "Musterstadt", "Gemeinsames Ergebnis aller Perspektiven",
            "9 mit mindestens einem vollständig beantworteten Handlungsfeld",
            "kein Ranking", "Orientierung",  # what the self-check is, and what it is not
            "Eine Perspektive erscheint erst ab 3 Personen einzeln",  # the anonymity rule
            # per field: overall and per perspective, the small ones folded together
            ("1. Steuerung & Strategie Perspektive Personen Einschätzung Wert "
             "Gesamt 9 Auf gutem Weg 52 % Verwaltung: Integration 3 Etablierte Stärke 100 % "
             "Politik 3 Ausgangspunkt 0 % weitere Perspektiven 3 Auf gutem Weg 56 %"),
            "3. Teilhabe", "Gesamt 6 Etablierte Stärke 78 %",
            "Politik nicht gezeigt (Schutz Einzelner) –",
            # a chart per perspective, each headed with its group
            "Profil je Perspektive Je Handlungsfeld", "Gesamt 9 Personen",
            "Verwaltung: Integration 3 Personen Politik 3 Personen weitere Perspektiven 3 Personen",
            # the topics for dialogue, and what many could not judge
            "Gesprächsanlässe",
            ("1.1 Der Rat hat einen Beschluss zur Integrationsarbeit gefasst. "
             "Gesamt 52 % Verwaltung: Integration 100 % Politik 0 % weitere Perspektiven 56 %"),
            "Das konnten viele nicht einschätzen",
            "3.2 Sportvereine werden bei interkultureller Öffnung unterstützt. 6 von 9"):
        assert expected in text, expected
    # Politik could not judge 3.1: withheld, and the pool with it, or overall minus the
    # others would give Politik's numbers away; one group left is no topic for dialogue
    assert "3.1 Kitas informieren Eltern mehrsprachig. Gesamt 78 %" not in text
    charts = {image.name for page in reader.pages for image in page.images}
    assert len(charts) == 5  # the comparison, then a profile for overall and the three groups
    assert text.index("Die Perspektiven im Vergleich") < text.index("Ergebnis je Handlungsfeld")
    # fewer than 3 never on their own, and no individual answers anywhere
    assert "Bildung (" not in text and "Bildung 2" not in text and "Andere" not in text
    assert "– Trifft" not in text and "Ihre Antworten" not in text

    participant = people[0]  # only coordinators get the report
    await participant.tap_data(encode(ManageWorkshop("pdf", workshop_id(chris))), participant.last)
    assert participant.notices()[-1].startswith(REFUSAL)
    assert participant.last.kind != "document"
    assert len(bot.api.calls_to("sendDocument")) == 2  # the interim report and the final one
    closed = pdf_pages(document)[0]
    assert "Workshop geschlossen am" in closed and "noch offen" not in closed


async def test_no_result_before_three_have_completed_a_field(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    await take_part(bot.person(2, "A"), payload, "Politik", "AAAAAAA")
    await take_part(bot.person(3, "B"), payload, "Politik", "DDDDDDD")
    await take_part(bot.person(4, "C"), payload, "Politik", "DD")  # no field complete: not counted
    await chris.tap("📊 Ergebnis")
    assert chris.notices()[-1].startswith("Noch ist kein Ergebnis freigegeben")
    await chris.tap("📈 Stand")
    assert "Für einen Zwischenstand fehlen seit der letzten Freigabe noch: Gesamt 1" in chris.last.text
    await chris.tap("🔓 Zwischenstand freigeben")
    assert chris.notices()[-1].startswith("Ein Zwischenstand geht noch nicht")
    await chris.tap("◀️ Menü")
    for button in ("🗂 CSV-Export", "📄 Bericht als PDF", "📤 Ergebnis teilen"):
        await chris.tap(button)
        assert chris.notices()[-1].startswith("Noch ist kein Ergebnis freigegeben")
    assert not bot.api.calls_to("sendDocument")
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_releases") == [(0,)]
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    await chris.tap("📊 Ergebnis")  # closed with two: there never is a result
    assert chris.notices()[-1].startswith("Beim Schließen hatten weniger als 3 Teilnehmer*innen")
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_releases") == [(0,)]


async def test_a_deleted_person_leaves_the_next_release_not_the_last(bot: BotHarness) -> None:
    chris, people = await run_workshop(bot)
    storage = await Storage.open(bot.database, bot.clock)
    try:  # what the privacy feature does: delete the person's users row
        await storage.database.connection.execute("DELETE FROM users WHERE user_id = ?", (people[0].id,))
    finally:
        await storage.close()
    await chris.tap("📈 Stand")
    assert "Beigetreten: 8 · mit mindestens einem Handlungsfeld: 8" in chris.last.text
    await chris.tap("📊 Ergebnis")
    released = result_text(chris)
    # the released numbers stand: a new view minus the old one would be her answers
    assert "Grundlage sind die Antworten von 9 Teilnehmer*innen" in released
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_release_markers"
                       " WHERE user_id IS NULL AND choice IS NULL") == [(7,)]
    await reopen_menu(chris)
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    await chris.tap("📊 Ergebnis")
    final = result_text(chris)
    assert "Freigegeben beim Schließen des Workshops" in final
    assert "Grundlage sind die Antworten von 8 Teilnehmer*innen" in final
    # Verwaltung: Integration is down to 2 and joins the pool; the values that changed by
    # her alone are not shown
    assert "Perspektiven: Politik (3) · weitere Perspektiven (5)" in final
    assert "Verwaltung: Integration" not in final
    assert "Gesamt: nicht gezeigt (Schutz Einzelner)" in final


# --- sharing with the participants --------------------------------------------------------


async def test_sharing_reaches_everyone_but_those_who_blocked_the_bot(bot: BotHarness) -> None:
    chris, people = await run_workshop(bot)
    late = bot.person(200, "Late")
    await late.send(f"/start {latest_link(chris)}")  # joined, no perspective yet: still invited
    bot.api.blocked.add(people[4].id)
    bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await chris.tap("📤 Ergebnis teilen")
    assert "Gemeinsames Ergebnis an 10 Teilnehmer*innen senden?" in chris.last.text
    assert "Der Workshop ist noch offen" in chris.last.text
    confirm, question = chris.button("Ja, Ergebnis senden")
    await chris.tap_data(confirm, question)
    assert "an 9 von 10 Teilnehmer*innen gesendet" in chris.last.text
    assert "1 Person war nicht erreichbar" in chris.last.text
    for person in [*people[:4], *people[5:], late]:
        assert "Die Moderation teilt mit Ihnen das gemeinsame Ergebnis" in result_text(person)
        assert "weitere Perspektiven (3)" in result_text(person)
    sends = len(bot.api.calls_to("sendMessage"))
    await chris.tap_data(confirm, question)  # the same tap again: nothing is sent twice
    assert chris.notices()[-1].startswith("Der Workshop wurde inzwischen geändert")
    assert len(bot.api.calls_to("sendMessage")) == sends


# --- who may see and do what ---------------------------------------------------------------


async def test_strangers_and_participants_can_neither_see_nor_manage_a_workshop(
        bot: BotHarness) -> None:
    chris, people = await run_workshop(bot)
    ws = workshop_id(chris)
    token_before = await query(bot.database, "SELECT token, revision, status FROM workshops")
    stranger, participant = bot.person(66, "Eve"), people[0]
    for person in (stranger, participant):
        sent_before = len(person.chat)
        for action in MANAGE_ACTIONS:
            await person.tap_data(encode(ManageWorkshop(action, ws)), chris.last)
            assert person.notices()[-1].startswith(REFUSAL), action
        for action in CONFIRMED_ACTIONS:
            await person.tap_data(encode(ConfirmWorkshop(action, ws, 0)), chris.last)
            assert person.notices()[-1].startswith(REFUSAL), action
        assert len(person.chat) == sent_before  # no status, result, link or file reached them
    assert await query(bot.database, "SELECT token, revision, status FROM workshops") == token_before
    await stranger.send("/workshop")
    assert "Für welche Kommune ist der Workshop?" in stranger.last.text  # lists nothing of Chris's
    await stranger.tap_data(encode(ChoosePerspective(ws, "politik")), stranger.last)  # never joined
    assert stranger.notices()[-1].startswith(REFUSAL)
    for forged in ("w:status:x", "w:peek:1", f"wy:delete:{ws}", "wp:1:admin", "wd:f:../x"):
        await stranger.tap_data(forged, stranger.last)
        assert stranger.notices()[-1].startswith(REFUSAL)


async def test_co_coordinator_joins_with_a_one_time_link(bot: BotHarness) -> None:
    chris, bea, carl = bot.person(1, "Chris"), bot.person(2, "Bea"), bot.person(3, "Carl")
    payload = await set_up(chris)
    await chris.tap("Co-Moderation einladen")
    note, invite = chris.chat[-2:]
    assert "Der Link gilt einmal" in note.text
    first = payload_in(invite)
    assert first.startswith("k_") and first[2:] != payload[2:]
    await chris.tap("Co-Moderation einladen", menu(chris))  # again: the same unused link
    assert latest_link(chris, "k") == first
    assert "derselbe Link wie zuvor" in chris.chat[-2].text
    renew, note = chris.button("Co-Moderations-Link erneuern")
    await chris.tap_data(renew, note)  # a new link replaces the unused one
    second = latest_link(chris, "k")
    assert second != first and note.reply_markup is None
    await chris.tap_data(renew, note)  # the same confirmation again changes nothing
    assert chris.notices()[-1].startswith("Der Workshop wurde inzwischen geändert")
    assert latest_link(chris, "k") == second
    await bea.send(f"/start {first}")
    assert "Dieser Link zur Co-Moderation ist nicht (mehr) gültig" in bea.last.text

    await chris.send(f"/start {second}")  # trying it out does not use it up
    assert "Sie moderieren den Workshop „Musterstadt“ bereits" in chris.chat[-2].text
    await bea.send(f"/start {second}")
    assert "Sie moderieren jetzt den Workshop „Musterstadt“ mit" in bea.chat[-2].text
    assert "Moderation: 2 Personen" in bea.last.text
    assert "Workshop löschen" not in str(bea.last.reply_markup)
    await carl.send(f"/start {second}")
    assert "nicht (mehr) gültig" in carl.last.text
    await carl.send("/workshop")
    assert "Für welche Kommune" in carl.last.text

    await take_part(bot.person(10, "P"), payload, "Politik", "AAAAAAA")
    await bea.tap("📈 Stand")
    assert ("Beigetreten: 1 · mit mindestens einem Handlungsfeld: 1 · alle Aussagen beantwortet: 1"
            in bea.last.text)
    ws = workshop_id(chris)
    await bea.tap_data(encode(ManageWorkshop("delete", ws)), bea.last)
    assert bea.notices()[-1] == "Löschen kann den Workshop nur, wer ihn angelegt hat."
    await bea.tap_data(encode(ConfirmWorkshop("delete", ws, 0)), bea.last)
    assert bea.notices()[-1] == "Löschen kann den Workshop nur, wer ihn angelegt hat."
    await bea.tap("◀️ Menü")
    await bea.tap("Workshop schließen")
    await bea.tap("Ja, Workshop schließen")
    assert await query(bot.database, "SELECT status FROM workshops") == [("closed",)]
    await bea.send("/workshop")
    assert "Musterstadt · geschlossen" in str(bea.last.reply_markup)


async def test_an_outdated_confirmation_changes_nothing(bot: BotHarness) -> None:
    chris, bea = bot.person(1, "Chris"), bot.person(2, "Bea")
    await set_up(chris)
    await chris.tap("Co-Moderation einladen")
    await bea.send(f"/start {latest_link(chris, 'k')}")
    await chris.tap("Workshop schließen", menu(chris))  # the menu from set-up
    close_data, close_message = chris.button("Ja, Workshop schließen")
    await bea.tap("Link erneuern")
    await bea.tap("Ja, neuen Link erzeugen")
    await chris.tap_data(close_data, close_message)
    assert chris.notices()[-1].startswith("Der Workshop wurde inzwischen geändert")
    assert await query(bot.database, "SELECT status, revision FROM workshops") == [("open", 1)]


async def test_deleting_a_workshop_removes_its_runs_and_nothing_else(bot: BotHarness) -> None:
    chris, anna = bot.person(1, "Chris"), bot.person(2, "Anna")
    payload = await set_up(chris)
    await anna.send("/start")
    await anna.tap("Selbstcheck beginnen")
    await anna.tap("A · ")
    await take_part(anna, payload, "Politik", "DD")
    workshop_button, workshop_message = anna.button("A · ")
    await chris.tap("Workshop löschen")
    assert "endgültig löschen" in chris.last.text
    await chris.tap("Ja, endgültig löschen")
    assert "ist gelöscht" in chris.chat[-2].text
    assert "sind informiert: 1 von 1" in chris.last.text
    assert "Die Moderation hat den Workshop gelöscht" in anna.last.text
    assert await query(bot.database, "SELECT COUNT(*) FROM workshops") == [(0,)]
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_participants") == [(0,)]
    assert await query(bot.database, "SELECT workshop_id, COUNT(*) FROM runs GROUP BY 1") == [(None, 1)]
    assert await query(bot.database, "SELECT statement_id FROM answers") == [("eins-01",)]
    await anna.tap_data(workshop_button, workshop_message)
    assert anna.notices()[-1].startswith(REFUSAL)
    await anna.send("/weiter")
    assert "gesamt 1/7" in anna.last.text  # her personal check, untouched
    await anna.send(f"/start {payload}")
    assert "Dieser Einladungslink ist nicht (mehr) gültig" in anna.last.text
    await chris.send("/workshop")
    assert "Für welche Kommune" in chris.last.text


async def test_participants_and_coordinators_carry_on_after_a_restart(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "w.db", small_questionnaire, renderer, api) as first:
        chris, pia = first.person(1, "Chris"), first.person(2, "Pia")
        payload = await set_up(chris)
        await take_part(pia, payload, "Politik", "AB")
        await pia.tap("Pause")
        status_data, status_message = chris.button("📈 Stand")
    async with BotHarness(tmp_path / "w.db", small_questionnaire, renderer, api) as second:
        chris, pia = second.person(1, "Chris"), second.person(2, "Pia")
        await pia.send("/weiter")
        assert "Sie sind im Workshop „Musterstadt“" in pia.chat[-2].text
        assert "gesamt 2/7" in pia.last.text
        await pia.tap("C · ")
        await chris.tap_data(status_data, status_message)  # a menu button from before the restart
        assert ("Beigetreten: 1 · mit mindestens einem Handlungsfeld: 1 · alle Aussagen "
                "beantwortet: 0") in status_message.text
        assert "• Politik: 1 beigetreten, 1 mit Handlungsfeld, 0 fertig" in status_message.text
