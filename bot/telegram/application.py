"""Wiring: builds the PTB Application and registers every handler in one place.

Starting and stopping it is :class:`bot.telegram.channel.TelegramChannel`'s business.
"""

from __future__ import annotations

from typing import Any

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

from bot.config import Settings
from bot.flows import commands
from bot.telegram import gate, handlers
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.answer_taps import AnswerTapHandler
from bot.telegram.context import CONTEXT_TYPES, BotContext
from bot.telegram.liveness import Liveness
from bot.telegram.network import RetryingRequest
from bot.telegram.polling import ReadingBot
from bot.telegram.update_processor import PerUserUpdateProcessor

# Bot API calls the bot makes at once (PTB's default); getUpdates has its own connection.
CONNECTION_POOL_SIZE = 256

TelegramApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build(settings: Settings, *, request: BaseRequest | None = None) -> TelegramApplication:
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
        CommandHandler(commands.names(), handlers.command, filters=private),
        CallbackQueryHandler(handlers.tap),
        MessageHandler(private & filters.COMMAND, handlers.unknown_command),
        # Free text: a name the bot asked for (report, workshop), else a hint.
        MessageHandler(private & filters.TEXT, handlers.free_text),
        MessageHandler(private & filters.ATTACHMENT, handlers.other_message),
    ])
    application.add_error_handler(handlers.error_handler)


async def close_network(application: TelegramApplication) -> None:
    """PTB closes its clients only after a complete start; a rejected token stops it earlier."""
    for request in application.bot_data.network:
        await request.shutdown()
