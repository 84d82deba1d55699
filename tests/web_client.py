"""A browser for tests of the browser channel: an ASGI client with a cookie jar and its forms."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx

from bot.app import open_services, web_channel
from bot.bench.fake_bot_api import FakeBotAPI
from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from bot.telegram.channel import TelegramChannel
from bot.web.app import WebChannel, build_web_app
from tests.clock import SettableClock

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_ACTION = re.compile(r'name="action" value="([^"]+)">([^<]+)<')
_FORM_KEY = re.compile(r'name="form" value="([^"]*)"')
_OPTION = re.compile(r'<input type="(?:radio|checkbox)" id="([^"]+)" name="([^"]+)" value="([^"]+)"')
PREPARING = 'class="message preparing"'  # a page that says something is still being made


class Browser:
    """A client with a cookie jar, like one browser."""

    def __init__(self, channel: WebChannel) -> None:
        transport = httpx.ASGITransport(app=build_web_app(channel), client=("192.0.2.7", 50000))
        self.http = httpx.AsyncClient(transport=transport, base_url=channel.web.public_url)
        self.page = ""
        self.location: str | None = None  # where the last form sent this browser

    async def get(self, path: str | None = None) -> httpx.Response:
        """``path`` opened as a browser opens it (redirects followed); without one, the page
        the last form redirected to (else ``/``)."""
        response = await self.http.get(path or self.location or "/", follow_redirects=True)
        self.location = None
        self.page = response.text
        return response

    def csrf(self) -> str:
        match = _CSRF.search(self.page)
        assert match, self.page
        return match[1]

    def button(self, label: str) -> str:
        for value, shown in _ACTION.findall(self.page):
            if label in shown:
                return value.replace("&#34;", '"')
        raise AssertionError(f"no button {label!r} on the page")

    def option(self, label: str) -> tuple[str, str]:
        """The name and value of the radio button or box labelled ``label``."""
        for id_, name, value in _OPTION.findall(self.page):
            shown = re.search(rf'<label for="{re.escape(id_)}">([^<]*)</label>', self.page)
            if shown and label in html.unescape(shown[1]):
                return name, value
        raise AssertionError(f"no choice {label!r} on the page")

    async def send(self, *chosen: str, **typed: str) -> httpx.Response:
        """Send the page's form with the options labelled ``chosen`` and the ``typed`` values."""
        key = _FORM_KEY.search(self.page)
        assert key, self.page
        fields: dict[str, list[str]] = {"csrf": [self.csrf()], "form": [html.unescape(key[1])]}
        for name, value in (*(self.option(label) for label in chosen), *typed.items()):
            fields.setdefault(name, []).append(value)
        response = await self.http.post("/aktion", data=fields)
        assert response.status_code == 303, response.text
        return await self.settled(response.headers["location"])

    async def post(self, **fields: str) -> httpx.Response:
        response = await self.http.post("/aktion", data={"csrf": self.csrf(), **fields})
        self.location = response.headers.get("location") if response.status_code == 303 else None
        return response

    async def settled(self, path: str | None = None) -> httpx.Response:
        """The page once nothing is being made for it any more (a PDF report takes seconds)."""
        path = path or self.location or "/"
        for _ in range(400):
            response = await self.get(path)
            if PREPARING not in response.text:
                return response
            await asyncio.sleep(0.05)
        raise AssertionError("still being prepared after 20 s")

    async def press(self, label: str) -> httpx.Response:
        response = await self.post(action=self.button(label))
        assert response.status_code == 303, response.text
        return await self.settled(response.headers["location"])

    async def set_up_workshop(self, municipality: str = "Musterstadt") -> httpx.Response:
        """A workshop for all fields, set up as a coordinator does: the page with its invitation."""
        await self.get()
        await self.post(command="workshop")
        await self.get()
        await self.post(form="", text=municipality)
        await self.get()
        await self.press("Alle Handlungsfelder")
        await self.press("Weiter: Gruppen")
        return await self.press("Workshop anlegen")


@contextlib.asynccontextmanager
async def opened_channel(settings: Settings, questionnaire: Questionnaire, renderer: Renderer,
                         with_bot: bool = False, *,
                         clock: Clock | None = None) -> AsyncIterator[WebChannel]:
    """The browser channel on its own database, as the composition root builds it; its time
    of day is ``clock``'s (a test's own by default). ``with_bot``: beside the Telegram channel,
    on the fake Bot API (its bot is ``selbstcheck_test_bot``)."""
    telegram = None
    if with_bot:
        telegram = TelegramChannel(replace(settings, token="123456:TEST-TOKEN"), request=FakeBotAPI())
        await telegram.application.initialize()  # getMe: the bot's name for its links
    services = await open_services(settings, questionnaire, renderer, telegram,
                                   clock=clock or SettableClock())
    try:
        yield web_channel(services, telegram)
    finally:
        await services.storage.close()
        if telegram is not None:
            await telegram.stop()
