"""One process, one event loop: the browser channel, and Telegram when there is a token."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.flows.privacy import Privacy
from bot.flows.selfcheck import SelfCheck
from bot.output.render import Renderer
from bot.store.storage import Storage
from bot.telegram.commands import command_descriptions
from bot.web.app import WebChannel, build_web_app
from bot.web.flows_port import FlowsPort
from bot.web.pages import Pages
from bot.web.server import http_server, keep_alive, stop_on_signals

log = logging.getLogger(__name__)


def web_channel(settings: Settings, storage: Storage, questionnaire: Questionnaire,
                renderer: Renderer) -> WebChannel:
    selfcheck = SelfCheck(storage, questionnaire, renderer)
    privacy = Privacy(storage, renderer, settings.retention_days, settings.privacy_contact)
    port = FlowsPort(selfcheck, privacy, None, command_descriptions(renderer))
    pages = Pages(renderer, urlsplit(settings.web.public_url).path.rstrip("/"),
                  settings.privacy_contact)
    return WebChannel(port, storage, pages, settings.web, settings.retention_days)


async def serve_browser(settings: Settings, questionnaire: Questionnaire,
                        renderer: Renderer) -> None:
    """The browser channel alone, until SIGTERM/SIGINT (uvicorn handles both)."""
    storage = await Storage.open(settings.database)
    try:
        channel = web_channel(settings, storage, questionnaire, renderer)
        server = http_server(build_web_app(channel), settings.web)
        stop_on_signals(server)
        jobs = asyncio.create_task(keep_alive(channel.port, settings.retention_days))
        print(f"Selbstcheck im Browser: {settings.web.public_url}/", flush=True)
        try:
            await server.serve()
        finally:
            jobs.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await jobs
    finally:
        await storage.close()
