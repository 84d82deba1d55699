"""The room's findings in the browser: the administration's view, shared low statements, the
dialogue plan – the same flows as in Telegram, on pages without chat words."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings, Web
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import WebChannel
from tests.clock import SettableClock
from tests.conftest import ExactReleases
from tests.web_client import Browser, opened_channel

CHAT_WORDS = re.compile(r"Telegram|\bChat\b|\bBot\b|/start|/workshop")


@pytest.fixture
async def channel(tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
                  clock: SettableClock) -> AsyncIterator[WebChannel]:
    settings = Settings(token=None, database=str(tmp_path / "web.db"), web=Web(),
                        release_noise=ExactReleases(), min_group=3)
    async with opened_channel(settings, small_questionnaire, renderer, clock=clock) as channel:
        yield channel


async def take_part(channel: WebChannel, token: str, perspective: str, choice: str) -> None:
    person = Browser(channel)
    opened = await person.http.get(f"/w/{token}")
    await person.get(opened.headers["location"])
    await person.send(perspective)
    for _ in range(7):
        await person.press(choice)


def main_text(page: str) -> str:
    """The page's text without its tags, the navigation and form values included."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


async def test_a_browser_coordinator_places_their_view_and_plans_the_dialogue(
        channel: WebChannel) -> None:
    chris = Browser(channel)
    await chris.get()
    await chris.press("Selbstcheck beginnen")
    for _ in range(7):
        await chris.press("A · Trifft zu")
    page = await chris.set_up_workshop()
    token = re.search(r"/w/([A-Za-z0-9_-]{22})", page.text)
    assert token, page.text
    page = await chris.press("Sicht der Verwaltung")
    assert "Das würde gezeigt" in page.text and "nicht anonym" in page.text
    assert not CHAT_WORDS.search(main_text(page.text))
    page = await chris.press("Ja, als Referenz zeigen")
    assert "Ihre Selbsteinschätzung steht jetzt als Referenz" in page.text

    for perspective, choice in [("Politik", "D · Trifft nicht zu")] * 3 + [
            ("Bildung", "C · Trifft eher nicht zu")] * 3:
        await take_part(channel, token[1], perspective, choice)
    await chris.press("Menü")
    await chris.press("Workshop schließen")
    await chris.press("Ja, Workshop schließen")
    page = await chris.press("📊 Ergebnis")
    text = main_text(page.text)
    assert "Grundlage sind die Antworten von 6 Teilnehmer*innen" in text
    assert "Referenz – Selbsteinschätzung der Verwaltung: Etablierte Stärke (100 %)" in text
    assert "Gemeinsame Baustellen" in text and "Sicht der Verwaltung und Sicht des Raums" in text
    assert not CHAT_WORDS.search(text)
    page = await chris.press("Schritt zu 1.1 eintragen")
    assert "Zur gemeinsamen Baustelle" in page.text and "Schritt 1 für den Workshop" in page.text

    await chris.post(command="workshop")  # the navigation's entry, then the workshop's menu
    await chris.get()
    await chris.press("Musterstadt")
    page = await chris.press("Dialogveranstaltung planen")
    text = main_text(page.text)
    assert "Fragen für das Gespräch" in text and "Wen Sie einladen" in text
    assert "Fishbowl" in text and "Ein grober Zeitplan" in text
    assert not CHAT_WORDS.search(text)
