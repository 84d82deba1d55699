"""Wiring: builds the PTB Application and registers every handler in one place."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings, operator_warnings
from bot.output.workers import DRAWING
from bot.store.storage import Storage
from bot.telegram import gate, handlers, jobs
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.answer_taps import AnswerTapHandler
from bot.telegram.commands import command_descriptions
from bot.telegram.context import CONTEXT_TYPES, BotContext
from bot.telegram.liveness import Liveness
from bot.telegram.network import RetryingRequest
from bot.telegram.polling import ReadingBot
from bot.telegram.update_processor import PerUserUpdateProcessor

if TYPE_CHECKING:  # the composition root imports this module to build the channel
    from bot.app import Services

log = logging.getLogger(__name__)

# Bot API calls the bot makes at once (PTB's default); getUpdates has its own connection.
CONNECTION_POOL_SIZE = 256

TelegramApplication = Application[Any, BotContext, Any, Any, Any, Any]
# Opens the services once the bot knows its username (from getMe at initialize).
OpenServices = Callable[[str], Awaitable["Services"]]


def build(settings: Settings, open_services: OpenServices, *,
          request: BaseRequest | None = None) -> TelegramApplication:
    """The bot, ready to run; ``request`` replaces the network layer (tests, benchmark)."""
    if settings.token is None:
        raise ValueError("the Telegram channel needs TELEGRAM_BOT_TOKEN")
    liveness = Liveness()
    calls, updates = (request, request) if request else (AiohttpRequest(CONNECTION_POOL_SIZE),
                                                         AiohttpRequest(1))
    bot = ReadingBot(
        settings.token, base_url=settings.base_url, base_file_url=settings.base_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, link_preview_options=None),
        # Replies to a person's own tap are not subject to the 30/s bulk limit, so
        # there is no overall cap here; group chats keep Telegram's 20/min, and a
        # 429 RetryAfter is waited out and retried.
        rate_limiter=AIORateLimiter(overall_max_rate=0, max_retries=5),
        # Network failures are retried where that cannot send anything twice.
        request=RetryingRequest(calls),
        # getUpdates, one call at a time; PTB's polling loop retries it.
        # Answer taps are set aside before PTB decodes them (bot/telegram/answer_taps.py).
        get_updates_request=updates, liveness=liveness)
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerUserUpdateProcessor(liveness=liveness))
        .post_init(_starting(settings, open_services))
        .post_shutdown(_stopped)
    )
    application: TelegramApplication = builder.build()
    application.bot_data.liveness = liveness
    application.bot_data.network = (calls, updates)
    _register_handlers(application)
    return application


def _register_handlers(application: TelegramApplication) -> None:
    # Before everything else: private chats only, edits ignored (see bot/telegram/gate.py).
    # First of all, answer taps set aside from getUpdates (bot/telegram/answer_taps.py).
    application.add_handlers([AnswerTapHandler(), *gate.gate_handlers()], group=gate.GROUP)
    private = filters.ChatType.PRIVATE
    # Note: order matters. Known commands first, then every button (decoded once, see
    # bot/flows/buttons.py), then unknown commands, then the rest.
    application.add_handlers([
        CommandHandler("start", handlers.start, filters=private),
        CommandHandler("weiter", handlers.weiter, filters=private),
        CommandHandler("ergebnis", handlers.ergebnis, filters=private),
        CommandHandler("hilfe", handlers.hilfe, filters=private),
        CommandHandler("help", handlers.hilfe, filters=private),
        CommandHandler("abbrechen", handlers.abbrechen, filters=private),
        CommandHandler("bericht", handlers.bericht, filters=private),
        CommandHandler("workshop", handlers.workshop, filters=private),
        CommandHandler("datenschutz", handlers.datenschutz, filters=private),
        CommandHandler("loeschen", handlers.loeschen, filters=private),
        CallbackQueryHandler(handlers.tap),
        MessageHandler(private & filters.COMMAND, handlers.unknown_command),
        # Free text: a name the bot asked for (report, workshop), else a hint.
        MessageHandler(private & filters.TEXT, handlers.free_text),
        MessageHandler(private & filters.ATTACHMENT, handlers.other_message),
    ])
    application.add_error_handler(handlers.error_handler)


def _starting(settings: Settings,
              open_services: OpenServices) -> Callable[[TelegramApplication], Coroutine[Any, Any, None]]:
    async def post_init(application: TelegramApplication) -> None:
        services = await open_services(application.bot.username)
        application.bot_data.services = services
        await services.storage.health.beat()  # healthy from the start; the heartbeat job keeps it fresh
        # Here, once Telegram has accepted the token: a start that fails says so in one line.
        for warning in operator_warnings(settings.operator):
            log.warning(warning)
        jobs.schedule(application, settings.retention_days)
        DRAWING.warm_up()  # the first run's end should not wait for matplotlib to load
        commands = [BotCommand(name, description)
                    for name, description in command_descriptions(services.renderer).items()]
        await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
        await application.bot.set_my_commands(commands)
    return post_init


async def _stopped(application: TelegramApplication) -> None:
    """Runs after PTB has finished every update in flight, so no answer is cut off."""
    services, application.bot_data.services = application.bot_data.services, None
    if services is not None:
        await services.storage.close()


def check_database(path: str) -> None:
    """Open and migrate the database once before going online, so a bad path fails early."""
    async def probe() -> None:
        storage = await Storage.open(path)
        await storage.close()
    asyncio.run(probe())


def tune_garbage_collector() -> None:
    """Fewer and shorter collector pauses in a burst of taps; call once everything is loaded.

    The modules, the questionnaire and the templates live as long as the
    process: frozen, they are no longer walked by every full collection. A tap
    allocates thousands of short-lived objects that reference counting frees
    anyway, so the youngest generation is collected every 10,000 allocations
    instead of every 700. Measured with ``python -m bot.bench`` (README).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def use_uvloop() -> None:
    """uvloop's event loop costs 6-8 % less CPU per tap (README); asyncio's where it is missing."""
    try:
        import uvloop
    except ImportError:  # not built for this platform (Windows)
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


async def close_network(application: TelegramApplication) -> None:
    """PTB closes its clients only after a complete start; a rejected token stops it earlier."""
    for request in application.bot_data.network:
        await request.shutdown()

