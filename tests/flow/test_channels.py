"""Notices reach every participant through their own channel, whichever channel the coordinator uses.

One process, one database: the Telegram bot (against the fake Bot API) and
the browser channel beside it, as the composition root builds them. People
in Telegram find a shared result, a reminder or a deletion notice in their
chat (recorded by the fake Bot API); people in the browser on their next page.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.app import open_services, web_channel
from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.web.app import COOKIE, WebChannel
from tests.clock import SettableClock
from tests.conftest import BotHarness, Person
from tests.flow.test_web import Browser
from tests.stories import release, reopen_menu, set_up, take_part

BOT_SETTINGS = {"min_group": 3}  # the smallest group size the setting allows

SHARED = "Die Moderation teilt mit Ihnen das gemeinsame Ergebnis"
REMINDED = "Die Moderation erinnert an den Selbstcheck"
DELETED = "Die Moderation hat den Workshop gelöscht"
# The invitation as the page shows it: the bot's t.me link where a bot runs, else the web address.
_INVITATION = re.compile(r"(?:\?start=w_|/w/)([A-Za-z0-9_-]{22})")


class TelegramCoordinator:
    """Chris, who runs the workshop from Telegram."""

    def __init__(self, bot: BotHarness) -> None:
        self.chris = bot.person(1, "Chris")

    async def set_up(self) -> str:
        return (await set_up(self.chris)).removeprefix("w_")

    async def share(self) -> str:
        await release(self.chris)
        await self.chris.tap("📤 Ergebnis teilen")
        await self.chris.tap("Ja, Ergebnis senden")
        return self.chris.last.text or ""

    async def remind(self) -> str:
        await reopen_menu(self.chris)
        await self.chris.tap("📈 Stand")
        await self.chris.tap("🔔 Erinnern")
        return self.chris.last.text or ""

    async def delete(self) -> str:
        await reopen_menu(self.chris)
        await self.chris.tap("Workshop löschen")
        await self.chris.tap("Ja, endgültig löschen")
        return self.chris.last.text or ""


class BrowserCoordinator:
    """A coordinator who runs the workshop in the browser; notices go out in the background."""

    def __init__(self, web: WebChannel) -> None:
        self.browser = Browser(web)

    async def set_up(self) -> str:
        await self.browser.get()
        await self.browser.post(command="workshop")
        await self.browser.get()
        await self.browser.post(form="", text="Musterstadt")
        await self.browser.get()
        await self.browser.press("Alle Handlungsfelder")
        await self.browser.press("Weiter: Gruppen")
        page = await self.browser.press("Workshop anlegen")
        link = _INVITATION.search(page.text)
        assert link, page.text
        return link[1]

    async def _menu(self) -> None:
        await self.browser.post(command="workshop")
        await self.browser.get()
        await self.browser.press("Musterstadt")

    async def _reported(self, words: str) -> str:
        for _ in range(200):
            page = await self.browser.get()
            if words in page.text:
                return page.text
            await asyncio.sleep(0.01)
        raise AssertionError(f"the page never said {words!r}: " + re.sub(r"<[^>]*>", "", page.text))

    async def share(self) -> str:
        await self._menu()
        await self.browser.press("Stand")
        await self.browser.press("Zwischenstand freigeben")  # only a released result is shared
        await self._menu()
        await self.browser.press("Ergebnis teilen")
        await self.browser.press("Ja, Ergebnis senden")
        return await self._reported("Teilnehmer*innen gesendet")

    async def remind(self) -> str:
        await self._menu()
        await self.browser.press("Stand")
        await self.browser.press("Erinnern")
        return await self._reported("Die Erinnerung zum Workshop")

    async def delete(self) -> str:
        await self._menu()
        await self.browser.press("Workshop löschen")
        await self.browser.press("Ja, endgültig löschen")
        return await self._reported("sind informiert")


class TelegramParticipant:
    def __init__(self, person: Person) -> None:
        self.person = person

    async def take_part(self, token: str, answers: str) -> None:
        await take_part(self.person, f"w_{token}", "Politik", answers)

    async def sees(self, words: str) -> bool:
        return any(words in (message.text or "") for message in self.person.chat)


class BrowserParticipant:
    def __init__(self, web: WebChannel) -> None:
        self.browser = Browser(web)

    async def take_part(self, token: str, answers: str) -> None:
        opened = await self.browser.http.get(f"/w/{token}")
        await self.browser.get(opened.headers["location"])
        await self.browser.send("Politik")
        for choice in answers:
            await self.browser.press(f"{choice} · ")

    async def sees(self, words: str) -> bool:
        """On the next page the person opens."""
        return words in (await self.browser.get()).text


Coordinator = TelegramCoordinator | BrowserCoordinator
Participant = TelegramParticipant | BrowserParticipant


@pytest.fixture
def web(bot: BotHarness) -> WebChannel:
    """The browser channel on the bot's services, as the running process has it."""
    return web_channel(bot.services, bot.channel)


@pytest.fixture(params=["telegram", "browser"])
def coordinator(request: pytest.FixtureRequest, bot: BotHarness, web: WebChannel) -> Coordinator:
    return TelegramCoordinator(bot) if request.param == "telegram" else BrowserCoordinator(web)


def participants(bot: BotHarness, web: WebChannel, each: int) -> list[Participant]:
    """``each`` people in Telegram and as many in the browser."""
    in_telegram: list[Participant] = [TelegramParticipant(bot.person(100 + i, f"T{i}"))
                                      for i in range(each)]
    return in_telegram + [BrowserParticipant(web) for _ in range(each)]


@pytest.mark.parametrize(("notice", "each", "answers", "told", "seen"), [
    pytest.param("share", 2, "AAAAAAA", "an 4 von 4 Teilnehmer*innen gesendet", SHARED,
                 id="a shared result"),
    pytest.param("remind", 1, "A", "an 2 von 2 Teilnehmer*innen gesendet, die noch nicht fertig",
                 REMINDED, id="a reminder to the unfinished"),
    pytest.param("delete", 1, "A", "sind informiert: 2 von 2 haben die Nachricht erhalten",
                 DELETED, id="a deleted workshop"),
])
async def test_a_notice_reaches_participants_in_telegram_and_in_the_browser(
        bot: BotHarness, web: WebChannel, coordinator: Coordinator, notice: str, each: int,
        answers: str, told: str, seen: str) -> None:
    """``each`` participants in either channel answer ``answers``, then the coordinator sends."""
    token = await coordinator.set_up()
    people = participants(bot, web, each)
    for person in people:
        await person.take_part(token, answers)
    report = await getattr(coordinator, notice)()
    assert told in report and "nicht erreichbar" not in report
    for person in people:
        assert await person.sees(seen), type(person).__name__


async def test_without_telegram_its_people_count_as_not_reached(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    """A browser-only installation on a database that also holds people from Telegram."""
    settings = Settings(token=None, database=str(tmp_path / "web.db"))
    services = await open_services(settings, small_questionnaire, renderer, clock=SettableClock())
    try:
        web = web_channel(services)
        coordinator = BrowserCoordinator(web)
        token = await coordinator.set_up()
        person = await web.storage.web_sessions.person_of(coordinator.browser.http.cookies[COOKIE])
        assert person is not None
        workshop = (await web.storage.workshops.coordinated_by(person))[0]
        await web.storage.people.ensure_user(4711)  # came in Telegram when a bot still ran
        await web.storage.workshops.join(workshop.id, 4711)
        in_browser = BrowserParticipant(web)
        await in_browser.take_part(token, "A")
        told = await coordinator.remind()
        assert "an 1 von 2 Teilnehmer*innen gesendet" in told
        assert "1 Person war nicht erreichbar" in told
        assert await in_browser.sees(REMINDED)
    finally:
        await services.storage.close()
