"""A realistic room at k = 5: fifteen people over the seed's perspectives, shown as four sectors
or per perspective, with the forecast given at set-up before anybody joined."""

from __future__ import annotations

import html
import re
from pathlib import Path

from bot.app import web_channel
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person
from tests.stories import (
    close,
    latest_link,
    menu,
    pdf_text,
    query,
    reopen_menu,
    result_text,
    status_text,
    take_part,
)
from tests.web_client import Browser

# label on the perspective button -> people, and how they answer (seven statements)
ROOM = {"Verwaltung: Integration": (2, "AAAAAAA"), "Verwaltungsspitze": (1, "AAAAAAA"),
        "Verwaltung: anderes Fachamt": (1, "AAAAAAA"), "Ausländerbehörde": (1, "AAAAAAA"),
        "Politik": (3, "BBBBBBB"), "Migrant*innen": (2, "DDDDDDD"),
        "Zivilgesellschaft / Wohlfahrt": (2, "DDDDDDD"), "Bildung": (1, "DDDDDDD"),
        "Wirtschaft, Jobcenter": (2, "CCCCCCC")}


async def set_up_for(chris: Person, grouping: str) -> str:
    """Every field, the grouping, the room as expected; the text the set-up then shows."""
    await chris.send("/workshop Musterstadt")
    await chris.tap("Alle Handlungsfelder")
    await chris.tap("Weiter: Gruppen")
    assert "Noch ist niemand angegeben." in chris.last.text
    if grouping:
        await chris.tap(grouping)
    for label, (people, _) in ROOM.items():
        for count in range(people):
            await chris.tap(f"➕ {label}")  # "➕ <label>: <count>": one more expected
            assert f": {count + 1}'" in str(chris.last.reply_markup)
    return chris.last.text or ""


async def run_room(bot: BotHarness, chris: Person) -> str:
    await chris.tap("Workshop anlegen")
    link = latest_link(chris)
    number = 10
    for label, (people, answers) in ROOM.items():
        for _ in range(people):
            await take_part(bot.person(number, f"P{number}"), link, label, answers)
            number += 1
    await close(chris)
    await chris.tap("📊 Ergebnis")
    return result_text(chris)


async def test_fifteen_people_as_four_sectors_give_three_groups_and_a_topic(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "k5.db", small_questionnaire, renderer) as bot:
        chris = bot.person(1, "Chris")
        forecast = await set_up_for(chris, "Vier Bereiche")
        assert "Erwartet: 15 Personen." in forecast
        assert ("Voraussichtlich gezeigt: Verwaltung (5) · Zivilgesellschaft (5) · "
                "weitere Perspektiven (5)\n") in forecast
        assert "In „weitere Perspektiven“ zusammengefasst: Politik, Wirtschaft, Jobcenter" in forecast
        assert "Für eine eigene Gruppe fehlen noch: Politik 2, Wirtschaft & Arbeit 3." in forecast
        text = await run_room(bot, chris)
        assert await query(bot.database, "SELECT grouping FROM workshops") == [("sektoren",)]
        assert "Perspektiven: Verwaltung (5) · Zivilgesellschaft (5) · weitere Perspektiven (5)" in text
        assert ("Zusammengefasst in Bereichen, wie bei der Einrichtung gewählt: Verwaltung "
                "(Verwaltung: Integration, Verwaltung: anderes Fachamt, Verwaltungsspitze / Leitung, "
                "Ausländerbehörde); Zivilgesellschaft (") in text
        topics = text.split("Gesprächsanlässe")[1]
        assert "Verwaltung 100 %" in topics and "Zivilgesellschaft 0 %" in topics
        await reopen_menu(chris)
        await chris.tap("📈 Stand")
        status = status_text(chris)
        assert "• Politik: 3 beigetreten, 3 mit Handlungsfeld, 3 fertig\n" in status  # in a sector
        assert ("• Verwaltung (Verwaltung: Integration, Verwaltung: anderes Fachamt, "
                "Verwaltungsspitze / Leitung, Ausländerbehörde): 5 beigetreten\n") in status
        assert ("• Wirtschaft & Arbeit (Wirtschaft, Jobcenter, Agentur für Arbeit): 2 beigetreten"
                " – für eine eigene Auswertung fehlen noch 3") in status  # what the sector needs
        await reopen_menu(chris)
        await chris.tap("🗂 CSV-Export")
        assert chris.last.file is not None
        rows = chris.last.file.decode("utf-8-sig").splitlines()
        assert {row.split(";")[3] for row in rows[1:] if row.count(";") > 3} >= {
            "Gesamt", "Verwaltung", "Zivilgesellschaft", "weitere Perspektiven"}
        await chris.tap("📄 Bericht als PDF")
        report = pdf_text(chris.last)
        assert "Perspektiven: Verwaltung (5 Personen) · Zivilgesellschaft (5 Personen)" in report


async def test_the_same_room_per_perspective_is_pooled_as_the_forecast_said(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "k5.db", small_questionnaire, renderer) as bot:
        chris = bot.person(1, "Chris")
        forecast = await set_up_for(chris, "")  # each perspective, as preset
        assert "✅ Jede Perspektive einzeln" in str(chris.last.reply_markup)
        assert "Voraussichtlich gibt es nur die Werte für alle zusammen" in forecast
        text = await run_room(bot, chris)
        assert await query(bot.database, "SELECT grouping FROM workshops") == [(None,)]
        assert "Grundlage sind die Antworten von 15 Teilnehmer*innen" in text
        assert "Perspektiven:" not in text and "Verwaltung: Integration" not in text


# the same room by perspective id, as the browser's form sends it
IDS = {"Verwaltung: Integration": "verwaltung_integration", "Verwaltungsspitze": "leitung",
       "Verwaltung: anderes Fachamt": "verwaltung_fachamt", "Ausländerbehörde": "auslaenderbehoerde",
       "Politik": "politik", "Migrant*innen": "migration",
       "Zivilgesellschaft / Wohlfahrt": "zivilgesellschaft", "Bildung": "bildung",
       "Wirtschaft, Jobcenter": "wirtschaft"}


def page_text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", page)))


async def test_a_browser_workshop_of_fifteen_shown_as_four_sectors(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "k5.db", small_questionnaire, renderer) as bot:
        web = web_channel(bot.services, bot.channel)
        coordinator = Browser(web)
        await coordinator.get()
        await coordinator.post(command="workshop")
        await coordinator.get()
        await coordinator.post(form="", text="Musterstadt")
        fields = await coordinator.get()
        assert 'name="text"' not in fields.text  # the name's field went with its step
        await coordinator.press("Alle Handlungsfelder")
        groups = await coordinator.press("Weiter: Gruppen")
        assert 'name="text"' not in groups.text
        assert 'type="number"' in groups.text and "➕" not in groups.text
        numbers = {IDS[label]: str(people) for label, (people, _) in ROOM.items()}
        sent = await coordinator.post(expected="1", **{**numbers, "andere": "kein", "bildung": "100"})
        assert sent.status_code == 303
        page = page_text((await coordinator.get()).text)
        assert "Erwartet: 14 Personen." in page  # "kein" and 100 are left out: Bildung 0
        await coordinator.post(expected="1", **numbers)
        page = page_text((await coordinator.get()).text)
        assert "Voraussichtlich gibt es nur die Werte für alle zusammen" in page
        page = page_text((await coordinator.press("Vier Bereiche")).text)
        assert ("Voraussichtlich gezeigt: Verwaltung (5) · Zivilgesellschaft (5) · "
                "weitere Perspektiven (5)") in page
        created = await coordinator.press("Workshop anlegen")
        token = re.search(r"/w/([A-Za-z0-9_-]{22})", created.text)
        assert token, created.text
        for label, (people, answers) in ROOM.items():
            for _ in range(people):
                participant = Browser(web)
                opened = await participant.http.get(f"/w/{token[1]}")
                await participant.get(opened.headers["location"])
                await participant.send(label)
                for choice in answers:
                    await participant.press(f"{choice} · ")
        await coordinator.post(command="workshop")
        await coordinator.get()
        await coordinator.press("Musterstadt")
        await coordinator.press("Workshop schließen")
        await coordinator.press("Ja, Workshop schließen")
        await coordinator.post(command="workshop")
        await coordinator.get()
        await coordinator.press("Musterstadt")
        result = page_text((await coordinator.press("Ergebnis")).text)
        assert "Perspektiven: Verwaltung (5) · Zivilgesellschaft (5) · weitere Perspektiven (5)" in result
        topics = result.split("Gesprächsanlässe")[1]
        assert "Verwaltung 100 % · Zivilgesellschaft 0 %" in topics


async def test_an_own_grouping_keeps_the_integration_council_apart(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    async with BotHarness(tmp_path / "k5.db", small_questionnaire, renderer) as bot:
        chris = bot.person(1, "Chris")
        await chris.send("/workshop Musterstadt")
        await chris.tap("2. ")
        await chris.tap("Weiter: Gruppen")
        await chris.tap("Eigene Zusammenstellung")
        keyboard = str(chris.last.reply_markup)
        assert "▫️ Ausländerbehörde: im Bereich Verwaltung" in keyboard  # starts from the sectors
        assert "Andere: im Bereich" not in keyboard  # belongs to no sector
        data, message = chris.button("Migrant*innenorganisation / Integrationsbeirat: im Bereich")
        await chris.tap_data(data, message)
        await chris.tap_data(data, message)  # the same update twice: still on its own
        assert "✅ Migrant*innenorganisation / Integrationsbeirat: eigene Gruppe" in str(
            chris.last.reply_markup)
        for label in ("Migrant*innen", "Zivilgesellschaft / Wohlfahrt", "Bildung", "Politik"):
            for _ in range(5 if label in ("Migrant*innen", "Politik") else 3):
                await chris.tap(f"➕ {label}")
        assert ("Voraussichtlich gezeigt: Politik (5) · Migrant*innenorganisation / "
                "Integrationsbeirat (5) · Zivilgesellschaft (6)\n") in chris.last.text
        await chris.tap("◀️ Handlungsfelder")  # back and on again: nothing is lost
        assert "Gewählt: 1 von 3 Handlungsfeldern" in chris.last.text
        await chris.tap("Weiter: Gruppen")
        assert "Voraussichtlich gezeigt: Politik (5)" in chris.last.text
        await chris.tap("Workshop anlegen")
        assert await query(bot.database, "SELECT grouping, field_ids FROM workshops") == [
            ("eigene:verwaltung_integration,verwaltung_fachamt,leitung,auslaenderbehoerde,politik,"
             "zivilgesellschaft,wirtschaft,bildung", "zwei")]
        assert "Gruppen: eigene Zusammenstellung" in (menu(chris).text or "")
