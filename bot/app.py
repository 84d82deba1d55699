"""Wiring: builds the PTB Application and registers every handler in one place."""

from __future__ import annotations

import asyncio
import gc
import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ParseMode
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler,
                          CommandHandler, Defaults, MessageHandler, filters)
from telegram.request import BaseRequest

from bot import callback_data as cb
from bot import handlers, results_handlers, workshop_handlers
from bot.broadcast import Broadcaster
from bot.commands import command_descriptions
from bot.config import Settings
from bot.questionnaire import Questionnaire
from bot.render import Renderer
from bot.render_process import DRAWING
from bot.selfcheck import SelfCheck
from bot.storage import Storage
from bot.update_processor import PerUserUpdateProcessor
from bot.workshop_desk import WorkshopDesk

log = logging.getLogger(__name__)


def build_application(settings: Settings, questionnaire: Questionnaire, renderer: Renderer, *,
                      request: BaseRequest | None = None) -> Application:
    """The bot, ready to run; ``request`` replaces the network layer (tests, benchmark)."""
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=None))
        .concurrent_updates(PerUserUpdateProcessor())
        # Replies to a person's own tap are not subject to the 30/s bulk limit, so
        # there is no overall cap here; group chats keep Telegram's 20/min, and a
        # 429 RetryAfter is waited out and retried.
        .rate_limiter(AIORateLimiter(overall_max_rate=0, max_retries=5))
        .post_init(_open_storage(settings.database, questionnaire, renderer))
        .post_shutdown(_close_storage)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    _register_handlers(application)
    return application


def _register_handlers(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    # Note: order matters. Known commands first, then unknown commands, then the rest.
    application.add_handlers([
        CommandHandler("start", handlers.start, filters=private),
        CommandHandler("weiter", handlers.weiter, filters=private),
        CommandHandler("ergebnis", handlers.ergebnis, filters=private),
        CommandHandler("hilfe", handlers.hilfe, filters=private),
        CommandHandler("help", handlers.hilfe, filters=private),
        CommandHandler("abbrechen", handlers.abbrechen, filters=private),
        CommandHandler("bericht", results_handlers.bericht, filters=private),
        CommandHandler("workshop", workshop_handlers.workshop_command, filters=private),
        # Results buttons (review, change, report, name) and workshop buttons ("w…")
        # before the generic button handler, which takes every other tap.
        CallbackQueryHandler(results_handlers.button, pattern=cb.RESULTS_PATTERN),
        CallbackQueryHandler(workshop_handlers.workshop_button, pattern=cb.WORKSHOP_PATTERN),
        CallbackQueryHandler(handlers.button),
        MessageHandler(private & filters.COMMAND, handlers.unknown_command),
        # Free text: a name the bot asked for (report, workshop), else a hint.
        MessageHandler(private & ~filters.COMMAND & ~filters.UpdateType.EDITED, handlers.free_text),
    ])
    application.add_error_handler(handlers.error_handler)


def _open_storage(database: str, questionnaire: Questionnaire, renderer: Renderer):  # noqa: ANN202
    async def post_init(application: Application) -> None:
        storage = await Storage.open(database)
        selfcheck = SelfCheck(storage, questionnaire, renderer)
        application.bot_data[handlers.CORE_KEY] = selfcheck
        # The bot's username (from getMe at initialize) builds the invitation links.
        application.bot_data[handlers.WORKSHOPS_KEY] = WorkshopDesk(
            storage, questionnaire, renderer, selfcheck, application.bot.username)
        application.bot_data[workshop_handlers.BROADCASTER_KEY] = Broadcaster()
        DRAWING.warm_up()  # the first run's end should not wait for matplotlib to load
        commands = [BotCommand(name, description)
                    for name, description in command_descriptions(renderer).items()]
        await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
        await application.bot.set_my_commands(commands)
    return post_init


async def _close_storage(application: Application) -> None:
    selfcheck: SelfCheck | None = application.bot_data.pop(handlers.CORE_KEY, None)
    if selfcheck is not None:
        await selfcheck.storage.close()


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


def run_polling(application: Application) -> None:
    tune_garbage_collector()
    application.run_polling(allowed_updates=Update.ALL_TYPES)
