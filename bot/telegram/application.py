"""Wiring: builds the PTB Application and registers every handler in one place."""

from __future__ import annotations

import asyncio
import gc
import logging

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
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
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.flows import callback_data as cb
from bot.flows.privacy import Privacy
from bot.flows.selfcheck import SelfCheck
from bot.flows.workshop_desk import WorkshopDesk
from bot.output.render import Renderer
from bot.output.render_process import DRAWING
from bot.store.storage import Storage
from bot.telegram import gate, handlers, jobs, privacy_handlers, results_handlers, workshop_handlers
from bot.telegram.broadcast import Broadcaster
from bot.telegram.commands import command_descriptions
from bot.telegram.network import RetryingRequest
from bot.telegram.update_processor import PerUserUpdateProcessor

log = logging.getLogger(__name__)

# Bot API calls the bot makes at once (PTB's default); getUpdates has its own connection.
CONNECTION_POOL_SIZE = 256


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
        # Network failures are retried where that cannot send anything twice.
        .request(RetryingRequest(request or HTTPXRequest(connection_pool_size=CONNECTION_POOL_SIZE)))
        .post_init(_open_storage(settings, questionnaire, renderer))
        .post_shutdown(_close_storage)
    )
    if request is not None:
        builder = builder.get_updates_request(request)
    application = builder.build()
    _register_handlers(application)
    return application


def _register_handlers(application: Application) -> None:
    # Before everything else: private chats only, edits ignored (see bot/telegram/gate.py).
    application.add_handlers(gate.gate_handlers(), group=gate.GROUP)
    private = filters.ChatType.PRIVATE
    # Note: order matters. Known commands first, then buttons with their own prefix
    # before the generic button handler, then unknown commands, then the rest.
    application.add_handlers([
        CommandHandler("start", handlers.start, filters=private),
        CommandHandler("weiter", handlers.weiter, filters=private),
        CommandHandler("ergebnis", handlers.ergebnis, filters=private),
        CommandHandler("hilfe", handlers.hilfe, filters=private),
        CommandHandler("help", handlers.hilfe, filters=private),
        CommandHandler("abbrechen", handlers.abbrechen, filters=private),
        CommandHandler("bericht", results_handlers.bericht, filters=private),
        CommandHandler("workshop", workshop_handlers.workshop_command, filters=private),
        CommandHandler("datenschutz", privacy_handlers.datenschutz, filters=private),
        CommandHandler("loeschen", privacy_handlers.loeschen, filters=private),
        # Buttons with their own prefix – deleting one's data ("del:"), results (review,
        # change, report, name) and workshops ("w…") – before the generic button handler,
        # which takes every other tap.
        CallbackQueryHandler(privacy_handlers.deletion_button, pattern=cb.DELETION_PREFIX),
        CallbackQueryHandler(results_handlers.button, pattern=cb.RESULTS_PATTERN),
        CallbackQueryHandler(workshop_handlers.workshop_button, pattern=cb.WORKSHOP_PATTERN),
        CallbackQueryHandler(handlers.button),
        MessageHandler(private & filters.COMMAND, handlers.unknown_command),
        # Free text: a name the bot asked for (report, workshop), else a hint.
        MessageHandler(private & filters.TEXT, handlers.free_text),
        MessageHandler(private & filters.ATTACHMENT, handlers.other_message),
    ])
    application.add_error_handler(handlers.error_handler)


def _open_storage(settings: Settings, questionnaire: Questionnaire, renderer: Renderer):  # noqa: ANN202
    async def post_init(application: Application) -> None:
        storage = await Storage.open(settings.database)
        selfcheck = SelfCheck(storage, questionnaire, renderer)
        application.bot_data[handlers.CORE_KEY] = selfcheck
        # The bot's username (from getMe at initialize) builds the invitation links.
        application.bot_data[handlers.WORKSHOPS_KEY] = WorkshopDesk(
            storage, questionnaire, renderer, selfcheck, application.bot.username,
            minimum=settings.min_group)
        application.bot_data[workshop_handlers.BROADCASTER_KEY] = Broadcaster()
        application.bot_data[privacy_handlers.PRIVACY_KEY] = Privacy(
            storage, renderer, settings.retention_days, settings.privacy_contact,
            minimum=settings.min_group)
        await storage.beat()  # healthy from the start; the heartbeat job keeps it fresh
        jobs.schedule(application, settings.retention_days)
        DRAWING.warm_up()  # the first run's end should not wait for matplotlib to load
        commands = [BotCommand(name, description)
                    for name, description in command_descriptions(renderer).items()]
        await application.bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
        await application.bot.set_my_commands(commands)
    return post_init


async def _close_storage(application: Application) -> None:
    """Runs after PTB has finished every update in flight, so no answer is cut off."""
    application.bot_data.pop(privacy_handlers.PRIVACY_KEY, None)
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


def run(application: Application, settings: Settings) -> None:
    """Until SIGTERM/SIGINT: then PTB stops fetching, finishes what it fetched and shuts down.

    ``bootstrap_retries=-1``: a network failure at start-up is retried rather
    than ending the process (an invalid token still ends it at once).
    """
    tune_garbage_collector()
    webhook = settings.webhook
    if webhook is None:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
        return
    application.run_webhook(listen=webhook.listen, port=webhook.port, url_path=webhook.path,
                            webhook_url=webhook.url, secret_token=webhook.secret,
                            allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
