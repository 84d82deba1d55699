"""Telegram handlers: decode an update once into an action, ask the flows, deliver what they return."""

from __future__ import annotations

import logging
import re

from telegram import Bot, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain.spoken import speaking
from bot.flows import commands
from bot.flows.actions import (
    Action,
    ManageWorkshop,
    Media,
    Report,
    ReportRequest,
    Text,
    UnknownCommand,
)
from bot.flows.buttons import decode, encode
from bot.flows.commands import Given
from bot.store.errors import DatabaseGone
from bot.telegram import jobs
from bot.telegram.answer_taps import tap_of
from bot.telegram.context import BotContext
from bot.telegram.delivery import deliver, query_expired

log = logging.getLogger(__name__)

_ACTION = re.compile(r"[a-z_]{1,12}")  # a button's action prefix, never its answer


def person(update: Update) -> int:
    """The storage's id of the person: their Telegram user id."""
    assert update.effective_user is not None
    return update.effective_user.id


async def act(update: Update, context: BotContext, action: Action) -> None:
    """The flows' reaction to ``action``, carried out in the chat."""
    if _makes_a_file(action):
        # "Sending a file …" in the chat header while the PDF is being made.
        assert update.effective_chat is not None
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)
    flows = context.services.flows
    with speaking(await flows.languages.of(person(update), wishes(update))):
        await deliver(update, context, await flows.act(person(update), action))


def wishes(update: Update) -> tuple[str, ...]:
    """The language the person's Telegram is set to, if it says."""
    user = update.effective_user
    return (user.language_code,) if user is not None and user.language_code else ()


def _makes_a_file(action: Action) -> bool:
    match action:
        case Report() | ReportRequest() | ManageWorkshop(what="pdf"):
            return True
    return False


# --- commands ----------------------------------------------------------------------------

async def command(update: Update, context: BotContext) -> None:
    """Every command of the table in :mod:`bot.flows.commands`, with what followed its name."""
    assert update.effective_message is not None
    action = commands.action(_command_name(update.effective_message.text or ""),
                             Given(" ".join(context.args or ())))
    assert action is not None, "registered for the table's commands only"
    await act(update, context, action)


def _command_name(text: str) -> str:
    """"/Start@SelbstcheckBot w_…" → "start"."""
    return text.split()[0][1:].split("@")[0].lower()


async def unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await act(update, context, UnknownCommand((update.effective_message.text or "").split()[0]))


# --- messages and buttons ------------------------------------------------------------------

async def free_text(update: Update, context: BotContext) -> None:
    """A typed message: the name the bot asked for last, else a hint."""
    assert update.effective_message is not None
    await act(update, context, Text(update.effective_message.text or ""))


async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice messages, files, locations …: nothing to evaluate."""
    await act(update, context, Media())


async def tap(update: Update, context: BotContext) -> None:
    """Every button: decoded once, strictly; anything unreadable is refused politely."""
    assert update.callback_query is not None
    action = decode(update.callback_query.data)
    if action is None:
        await deliver(update, context, context.services.flows.refuse_button())
        return
    await act(update, context, action)


# --- errors --------------------------------------------------------------------------------

async def error_handler(update: object, context: BotContext) -> None:
    """Log with the update's context; tell the person something sensible, never a traceback."""
    if update is None and isinstance(context.error, TelegramError):
        return  # a failed getUpdates, logged in one short line (see bot/telegram/polling.py)
    if isinstance(context.error, Forbidden):
        log.info("the person blocked the bot or left the chat; nothing to send (%s, %s)",
                 context.error.message, describe(update))
        return
    if isinstance(context.error, DatabaseGone):
        # Not confirmed; the heartbeat, run now, stops the bot with one log line.
        if context.bot_data.stopped_because is None:
            await jobs.heartbeat(context)
    else:
        log.error("error while handling an update: %s", describe(update), exc_info=context.error)
    chat_id, query_id = _where(update)
    if chat_id is None:
        return
    services = context.bot_data.services
    if services is None:
        return
    try:
        if query_id is not None and await _alert(context.bot, query_id,
                                                 services.renderer.text("notice.error")):
            return
        await context.bot.send_message(chat_id, services.renderer.html("error.html.j2"))
    except Exception as error:  # the error report itself must never raise again
        log.warning("could not tell the person about the error: %s", type(error).__name__)


def _where(update: object) -> tuple[int | None, str | None]:
    """The chat to tell about an error, and the tap to answer with it, if any."""
    tap = tap_of(update)
    if tap is not None:
        return tap.chat_id, tap.tapped.query_id
    if not isinstance(update, Update) or update.effective_chat is None:
        return None, None
    query = update.callback_query
    return update.effective_chat.id, query.id if query is not None else None


async def _alert(bot: Bot, query_id: str, notice: str) -> bool:
    """Tell about the error on the tapped button; ``False`` if the tap was already answered."""
    try:
        await bot.answer_callback_query(query_id, notice, show_alert=True)
    except BadRequest as error:
        if query_expired(error):
            return False
        raise
    return True


def describe(update: object) -> str:
    """Which update this is, for a log line: never names, message texts or answers.

    Callback data names the chosen answer, so only its action is logged.
    """
    if not isinstance(update, Update):
        return f"non-update {type(update).__name__}"
    tap = tap_of(update)
    if tap is not None:  # an answer tap, set aside in a private chat
        return f"update_id={update.update_id} chat=private {_button(encode(tap.action))}"
    chat = update.effective_chat.type if update.effective_chat else "none"
    if update.callback_query is not None:
        what = _button(update.callback_query.data)
    elif update.effective_message is not None:
        what = _message_kind(update)
    else:
        what = "other"
    return f"update_id={update.update_id} chat={chat} {what}"


def _button(data: object) -> str:
    prefix = (data if isinstance(data, str) else "").split(":", 1)[0]
    return f"button action={prefix if _ACTION.fullmatch(prefix) else '?'}"


def _message_kind(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    edited = "edited " if update.edited_message or update.edited_channel_post else ""
    text = message.text or ""
    if text.startswith("/"):
        name = _command_name(text)
        known = name if name in commands.names() else "unknown"
        return f"{edited}command={known}"
    return f"{edited}message" + ("" if message.text is not None else " (no text)")
