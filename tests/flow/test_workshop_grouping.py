"""A realistic room at k = 5: fifteen people over the seed's perspectives, shown as four sectors
or per perspective, with the forecast given at set-up before anybody joined."""

from __future__ import annotations

from pathlib import Path

from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person
from tests.stories import close, latest_link, query, result_text, take_part

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
        topics = text.split("Gesprächsanlässe")[1]
        assert "Verwaltung 100 %" in topics and "Zivilgesellschaft 0 %" in topics


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
