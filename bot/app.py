"""The composition root: builds the bot's services once and the channels on top of them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.config import Settings, address_warning, operator_warnings
from bot.domain.clock import Clock, SystemClock
from bot.domain.questionnaire import Questionnaire
from bot.flows.dispatch import Flows
from bot.flows.upkeep import keep_alive
from bot.output.render import Renderer
from bot.store.storage import Storage
from bot.telegram import application, deep_link
from bot.telegram.application import TelegramApplication
from bot.telegram.broadcast import Broadcaster
from bot.telegram.jobs import stopped_by_heartbeat
from bot.telegram.polling import ALLOWED_UPDATES
from bot.telegram.webhook import webhook_route
from bot.web import links
from bot.web.app import WebChannel, build_web_app
from bot.web.flows_port import FlowsPort
from bot.web.pages import Pages
from bot.web.projector import Projector
from bot.web.server import http_server, stop_on_signals

log = logging.getLogger(__name__)

# The time of day for the store and the flows; tests hand in a clock of their own.
SYSTEM_CLOCK = SystemClock()


@dataclass(frozen=True)
class Services:
    """Everything a channel's handlers and jobs use, built once per process."""

    settings: Settings
    questionnaire: Questionnaire
    renderer: Renderer
    storage: Storage
    flows: Flows
    broadcaster: Broadcaster


async def open_services(settings: Settings, questionnaire: Questionnaire, renderer: Renderer,
                        bot_username: str | None, clock: Clock = SYSTEM_CLOCK) -> Services:
    """Open the database and build the flows; their time of day is ``clock``'s.

    Invitations carry the browser's address, and the bot's ``t.me`` link too
    where there is a bot.
    """
    storage = await Storage.open(settings.database, clock)
    link = links.invitation_link(settings.web.public_url)
    telegram = functools.partial(deep_link.start_link, bot_username) if bot_username else None

    async def management_link(person: int, workshop_id: int) -> str:
        token = await storage.web_sessions.open_session(person)
        return links.management_link(settings.web.public_url, token, workshop_id)

    flows = Flows(storage, questionnaire, renderer, settings, link, management_link, telegram)
    return Services(settings=settings, questionnaire=questionnaire, renderer=renderer,
                    storage=storage, flows=flows, broadcaster=Broadcaster())


def web_channel(services: Services, bot: Bot | None = None) -> WebChannel:
    """The browser channel on the same flows and database as the bot.

    With a bot, a workshop invitation opened in the browser also offers to
    continue in Telegram instead, and a result shared from the browser reaches
    the participants in Telegram.
    """
    settings = services.settings
    port = FlowsPort(services.flows)
    pages = Pages(services.renderer, urlsplit(settings.web.public_url).path.rstrip("/"),
                  settings.operator)
    # The room's projector shows the browser's invitation address, also beside a bot.
    projector = Projector(services.storage, services.questionnaire, services.renderer,
                          links.invitation_link(settings.web.public_url), settings.min_group)
    return WebChannel(port, services.storage, pages, settings.web, settings.retention_days,
                      projector,
                      functools.partial(deep_link.start_link, bot.username) if bot else None,
                      functools.partial(services.broadcaster.send, bot) if bot else None)


async def serve(settings: Settings, questionnaire: Questionnaire, renderer: Renderer) -> str | None:
    """Both channels in one event loop until SIGTERM/SIGINT; the browser alone without a token.

    As in python-telegram-bot's custom-webhook example: the bot is started by
    hand and uvicorn's server runs beside it; when the server returns (on a
    signal, or the heartbeat finding the database file replaced) the bot stops
    fetching, finishes what it has and shuts down. Returns why the heartbeat
    stopped it, if it did: the process then ends with an error.
    """
    if settings.token is None:
        return await _serve_browser(settings, questionnaire, renderer)
    bot = build_application(settings, questionnaire, renderer)
    try:
        await _serve_both(bot, settings, renderer)
    finally:
        # PTB closes its clients only after a complete start; a rejected token stops it earlier.
        await application.close_network(bot)
    return stopped_by_heartbeat(bot)


async def _serve_both(bot: TelegramApplication, settings: Settings, renderer: Renderer) -> None:
    async with bot:  # initialize (getMe: a rejected token ends here) … shutdown
        assert bot.post_init is not None and bot.post_shutdown is not None
        await bot.post_init(bot)  # opens the services; run_polling would call it here too
        try:
            services = bot.bot_data.services
            assert services is not None
            webhook = settings.webhook
            # Webhook updates are decoded by PTB; setting answer taps aside applies to
            # getUpdates only (bot/telegram/answer_taps.py).
            routes = [webhook_route(bot, webhook)] if webhook else []
            channel = web_channel(services, bot.bot)
            server = http_server(build_web_app(channel, routes), settings.web)
            stop_on_signals(server)
            bot.bot_data.stop_serving = server.stop
            await bot.start()
            if webhook is not None:
                await bot.bot.set_webhook(webhook.url, secret_token=webhook.secret,
                                          allowed_updates=ALLOWED_UPDATES)
            else:
                assert bot.updater is not None
                # Failed fetches go to the error handler, as run_polling sends them: the
                # fetching bot has logged them in one short line (bot/telegram/polling.py).
                await bot.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1,
                    error_callback=lambda error: _report_fetch_error(bot, error))
            _announce(settings, renderer)
            await server.serve()
            if bot.updater is not None and bot.updater.running:
                await bot.updater.stop()
            await bot.stop()
        finally:
            await bot.shutdown()
            await bot.post_shutdown(bot)


def _report_fetch_error(bot: TelegramApplication, error: TelegramError) -> None:
    bot.create_task(bot.process_error(error=error, update=None))


async def _serve_browser(settings: Settings, questionnaire: Questionnaire,
                         renderer: Renderer) -> str | None:
    services = await open_services(settings, questionnaire, renderer, None)
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


def build_application(settings: Settings, questionnaire: Questionnaire, renderer: Renderer, *,
                      request: BaseRequest | None = None,
                      clock: Clock = SYSTEM_CLOCK) -> TelegramApplication:
    """The Telegram bot; its services open when it starts. ``request`` replaces the network
    layer and ``clock`` the time of day (tests, benchmark)."""
    return application.build(
        settings, functools.partial(open_services, settings, questionnaire, renderer, clock=clock),
        request=request)
