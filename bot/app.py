"""The composition root: builds the bot's services once and the channels on top of them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from bot.config import Settings, address_warning, operator_warnings
from bot.domain.clock import Clock, SystemClock
from bot.domain.entities import Channel
from bot.domain.questionnaire import Questionnaire
from bot.flows.delivery import Dispatcher
from bot.flows.dispatch import Flows
from bot.flows.services import Services
from bot.flows.upkeep import keep_alive
from bot.output.render import Renderer
from bot.store.storage import Storage
from bot.telegram.channel import TelegramChannel
from bot.web import links
from bot.web.app import WebChannel, build_web_app
from bot.web.flows_port import FlowsPort
from bot.web.pages import Pages
from bot.web.projector import Projector
from bot.web.server import http_server, stop_on_signals

log = logging.getLogger(__name__)

# The time of day for the store and the flows; tests hand in a clock of their own.
SYSTEM_CLOCK = SystemClock()


async def open_services(settings: Settings, questionnaire: Questionnaire, renderer: Renderer,
                        telegram: TelegramChannel | None = None, *,
                        clock: Clock = SYSTEM_CLOCK) -> Services:
    """Open the database and build the flows; their time of day is ``clock``'s.

    Invitations carry the browser's address, and the bot's ``t.me`` link too
    where there is a bot; notices reach people in Telegram where the bot runs.
    """
    storage = await Storage.open(settings.database, clock)
    link = links.invitation_link(settings.web.public_url)
    telegram_link = telegram.invitation_link if telegram is not None else None

    async def management_link(person: int, workshop_id: int) -> str:
        token = await storage.web_sessions.open_session(person)
        return links.management_link(settings.web.public_url, token, workshop_id)

    flows = Flows(storage, questionnaire, renderer, settings, link, management_link, telegram_link)
    delivery = Dispatcher(storage.people)
    if telegram is not None:
        delivery.add(Channel.TELEGRAM, telegram.notices)
    return Services(settings=settings, questionnaire=questionnaire, renderer=renderer,
                    storage=storage, flows=flows, delivery=delivery)


def web_channel(services: Services, telegram: TelegramChannel | None = None) -> WebChannel:
    """The browser channel on the same flows and database as the bot.

    With a bot, a workshop invitation opened in the browser also offers to
    continue in Telegram instead. Notices for people in the browser wait on
    their next page, whichever channel they were sent from.
    """
    settings, renderer = services.settings, services.renderer
    pages = Pages(renderer, urlsplit(settings.web.public_url).path.rstrip("/"), settings.operator)
    # The room's projector shows the browser's invitation address, also beside a bot.
    projector = Projector(services.storage, services.questionnaire, renderer,
                          links.invitation_link(settings.web.public_url), settings.min_group)
    channel = WebChannel(FlowsPort(services.flows), services.storage, pages, settings.web,
                         settings.retention_days, projector, services.delivery,
                         telegram.invitation_link if telegram is not None else None)
    services.delivery.add(Channel.BROWSER, channel)
    return channel


async def serve(settings: Settings, questionnaire: Questionnaire, renderer: Renderer) -> str | None:
    """Both channels in one event loop until SIGTERM/SIGINT; the browser alone without a token.

    The HTTP server runs beside the bot; when it returns (on a signal, or the
    heartbeat finding the database file replaced) the bot stops fetching,
    finishes what it has and closes, then the database closes. Returns why the
    heartbeat stopped it, if it did: the process then ends with an error.
    """
    if settings.token is None:
        return await _serve_browser(settings, questionnaire, renderer)
    telegram = TelegramChannel(settings)
    services = await open_services(settings, questionnaire, renderer, telegram)
    try:
        server = http_server(build_web_app(web_channel(services, telegram), telegram.routes()),
                             settings.web)
        stop_on_signals(server)
        try:
            await telegram.open(services, stop_serving=server.stop)
            await telegram.start()
            _announce(settings, renderer)
            await server.serve()
        finally:
            await telegram.stop()
    finally:
        await services.storage.close()
    return telegram.stopped_because


async def _serve_browser(settings: Settings, questionnaire: Questionnaire,
                         renderer: Renderer) -> str | None:
    services = await open_services(settings, questionnaire, renderer)
    try:
        channel = web_channel(services)
        server = http_server(build_web_app(channel), settings.web)
        stop_on_signals(server)
        await services.storage.health.beat()
        for warning in operator_warnings(settings.operator):
            log.warning(warning)
        jobs = asyncio.create_task(keep_alive(services.flows, services.storage,
                                              settings.retention_days, server.stop))
        _announce(settings, renderer)
        try:
            await server.serve()
        finally:
            if not jobs.done():
                jobs.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await jobs
        return None if jobs.cancelled() else jobs.result()
    finally:
        await services.storage.close()


def _announce(settings: Settings, renderer: Renderer) -> None:
    """The address to open, on standard output: the first thing a newcomer needs.

    If only this machine can open it, one warning line says how to open it to a room.
    """
    print(renderer.text("web.started", url=f"{settings.web.public_url}/"), flush=True)
    warning = address_warning(settings.web)
    if warning is not None:
        log.warning(warning)
