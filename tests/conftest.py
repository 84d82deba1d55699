"""The real PTB Application, driven through its update processing against FakeBotAPI."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import open_services
from bot.bench.fake_bot_api import FakeBotAPI, StoredMessage
from bot.config import Settings
from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.flows.services import Services
from bot.output.render import Renderer
from bot.resources import QUESTIONS_DIR
from bot.telegram.answer_taps import set_aside_update
from bot.telegram.channel import TelegramChannel
from tests import updates
from tests.clock import SettableClock


class Person:
    """Somebody chatting with the bot in a private chat."""

    def __init__(self, harness: BotHarness, user_id: int, first_name: str,
                 language_code: str = "de") -> None:
        self.harness = harness
        self.user = updates.user(user_id, first_name, language_code)
        self.id = user_id
        self.private = updates.private_chat(self.user)

    @property
    def chat(self) -> list[StoredMessage]:
        return self.harness.api.chat(self.id)

    @property
    def last(self) -> StoredMessage:
        return self.chat[-1]

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.chat]

    async def send(self, text: str | None = None, *, chat: dict[str, Any] | None = None,
                   **content: Any) -> dict[str, Any]:
        """Send a text (or, with ``content``, a sticker, photo …); returns the message."""
        sent = updates.message(self.user, chat or self.private, text, **content)
        await self.harness.process(updates.message_update(sent))
        return sent

    async def edit(self, sent: dict[str, Any], new_text: str) -> None:
        """Edit an earlier message of this person, which Telegram reports as an update."""
        edited = {**sent, "text": new_text}
        if new_text.startswith("/"):
            edited["entities"] = [{"type": "bot_command", "offset": 0,
                                   "length": len(new_text.split()[0])}]
        await self.harness.process(updates.message_update(edited, edited=True))

    def callback_update(self, data: str | None, message: StoredMessage) -> dict[str, Any]:
        chat = self.private if message.chat_id > 0 else updates.group_chat(message.chat_id)
        return updates.callback_update(self.user, data, updates.shown(message, chat))

    def button(self, label: str, message: StoredMessage | None = None) -> tuple[str, StoredMessage]:
        """The callback data of the newest button whose label contains ``label``."""
        for candidate in ([message] if message else reversed(self.chat)):
            rows = (candidate.reply_markup or {}).get("inline_keyboard", [])
            for row in rows:
                for button in row:
                    if label in button["text"]:
                        return button["callback_data"], candidate
        raise AssertionError(f"no button {label!r} in the chat: {self.texts()[-3:]}")

    async def tap(self, label: str, message: StoredMessage | None = None) -> None:
        data, shown = self.button(label, message)
        await self.harness.process(self.callback_update(data, shown))

    async def tap_data(self, data: str, message: StoredMessage) -> None:
        await self.harness.process(self.callback_update(data, message))

    def notices(self) -> list[str | None]:
        return [c.params.get("text") for c in self.harness.api.calls_to("answerCallbackQuery")]


class ExactReleases:
    """Workshop releases without noise, so that a test can tell which numbers they show;
    the noise itself is attacked in test_fake_participants.py and test_release_noise.py."""

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        return mu


class BotHarness:
    def __init__(self, database: Path, questionnaire: Questionnaire, renderer: Renderer,
                 api: FakeBotAPI | None = None, *, clock: SettableClock | None = None,
                 **settings: Any) -> None:
        """``settings`` are further :class:`~bot.config.Settings` fields, e.g. retention_days;
        releases are exact unless ``release_noise`` is given.

        The bot's time of day is ``clock`` (by default one standing at :data:`tests.clock.START`).
        """
        self.api = api or FakeBotAPI()
        self.database = database
        self.clock = clock or SettableClock()
        settings = {"release_noise": ExactReleases(), **settings}
        self.settings = Settings(token="123456:TEST-TOKEN", database=str(database), **settings)
        self.questionnaire, self.renderer = questionnaire, renderer
        self.channel = TelegramChannel(self.settings, request=self.api)
        self.app = self.channel.application

    async def __aenter__(self) -> BotHarness:
        """Open as the process opens it, without fetching: the tests hand it each update."""
        self._services = await open_services(self.settings, self.questionnaire, self.renderer,
                                             self.channel, clock=self.clock)
        await self.channel.open(self._services)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.channel.stop()
        await self._services.storage.close()

    @property
    def services(self) -> Services:
        return self._services

    async def process(self, data: dict[str, Any]) -> None:
        """As the bot receives it from getUpdates: answer taps set aside, undecoded."""
        await self.app.process_update(Update.de_json(set_aside_update(data), self.app.bot))

    def person(self, user_id: int = 4711, first_name: str = "Anna",
               language_code: str = "de") -> Person:
        return Person(self, user_id, first_name, language_code)



async def started(bot: BotHarness) -> Person:
    """Anna, who has tapped "beginnen" and sees the first statement."""
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    return anna

SMALL_FIELDS = {
    "01_eins.toml": """
        id = "eins"
        number = 1
        title = "Steuerung & Strategie"
        short_title = "Steuerung"
        intro = "Wie die Kommune ihre Integrationsarbeit lenkt."
        [assessments]
        established = "Steuerung ist eine gefestigte Stärke."
        advanced = "Die Steuerung ist auf gutem Weg."
        developing = "Erste Bausteine der Steuerung sind gelegt."
        starting = "Die Steuerung steht am Anfang."
        insufficient = "Beziehen Sie die Verwaltungsspitze ein."
        [[statements]]
        id = "eins-01"
        text = "Der Rat hat einen Beschluss zur Integrationsarbeit gefasst."
        suggestion = "Bringen Sie einen Ratsbeschluss auf den Weg."
        info = "Gemeint ist ein förmlicher Beschluss des Rates."
        [[statements]]
        id = "eins-02"
        text = "Es gibt ein Integrationskonzept mit Zielen."
        suggestion = "Erarbeiten Sie ein Konzept mit messbaren Zielen."
        unknown_hint = "Fragen Sie die Stabsstelle Integration."
        [[statements]]
        id = "eins-03"
        text = "Die Zuständigkeiten sind klar geregelt."
        suggestion = "Klären Sie die Zuständigkeiten im Verwaltungsvorstand."
    """,
    "02_zwei.toml": """
        id = "zwei"
        number = 2
        title = "Öffnung & Vielfalt"
        short_title = "Öffnung"
        intro = "Wie offen die Verwaltung ist."
        [assessments]
        established = "Öffnung ist eine gefestigte Stärke."
        advanced = "Die Öffnung ist auf gutem Weg."
        developing = "Erste Bausteine der Öffnung sind gelegt."
        starting = "Die Öffnung steht am Anfang."
        insufficient = "Beziehen Sie das Personalamt ein."
        [[statements]]
        id = "zwei-01"
        text = "Stellenanzeigen sprechen Menschen mit Einwanderungsgeschichte an."
        suggestion = "Überarbeiten Sie die Stellenanzeigen."
        [[statements]]
        id = "zwei-02"
        text = "Beschäftigte werden zu Antidiskriminierung fortgebildet."
        suggestion = "Bieten Sie Fortbildungen an."
    """,
    "03_drei.toml": """
        id = "drei"
        number = 3
        title = "Teilhabe"
        short_title = "Teilhabe"
        intro = "Wie fair der Zugang zu Angeboten ist."
        [assessments]
        established = "Teilhabe ist eine gefestigte Stärke."
        advanced = "Die Teilhabe ist auf gutem Weg."
        developing = "Erste Bausteine der Teilhabe sind gelegt."
        starting = "Die Teilhabe steht am Anfang."
        insufficient = "Beziehen Sie die Fachämter ein."
        [topics]
        bildung = "Bildung"
        sport = "Sport"
        [[statements]]
        id = "drei-01"
        topic = "bildung"
        text = "Kitas informieren Eltern mehrsprachig."
        suggestion = "Übersetzen Sie die Kita-Informationen."
        [[statements]]
        id = "drei-02"
        topic = "sport"
        text = "Sportvereine werden bei interkultureller Öffnung unterstützt."
        suggestion = "Fördern Sie Vereine bei der Öffnung."
    """,
}


def write_questionnaire(directory: Path, files: dict[str, str] = SMALL_FIELDS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(QUESTIONS_DIR / "scale.toml", directory / "scale.toml")
    for name, content in files.items():
        (directory / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def small_questionnaire(tmp_path: Path) -> Questionnaire:
    return load_questionnaire(write_questionnaire(tmp_path / "questions"))


@pytest.fixture(scope="session")
def full_questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def clock() -> SettableClock:
    """The time of day of the store and the flows (and of the ``bot`` fixture's bot)."""
    return SettableClock()


@pytest.fixture
async def bot(tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer,
              clock: SettableClock, request: pytest.FixtureRequest) -> AsyncIterator[BotHarness]:
    """The bot; a test module's ``BOT_SETTINGS`` (e.g. ``{"min_group": 3}``) configure it."""
    settings = getattr(request.module, "BOT_SETTINGS", {})
    async with BotHarness(tmp_path / "bot.db", small_questionnaire, renderer, clock=clock,
                          **settings) as harness:
        yield harness
