"""Telegram handlers: decode an update, ask the core, send what it returns."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.flows import deep_link
from bot.telegram.commands import ALIASES, COMMANDS, command_descriptions
from bot.flows.outcome import Document, Keyboard, Message, Outcome, Photo, Reply
from bot.flows.selfcheck import SelfCheck
from bot.flows.workshop_desk import WorkshopDesk

log = logging.getLogger(__name__)

CORE_KEY = "selfcheck"
WORKSHOPS_KEY = "workshops"
_ACTION = re.compile(r"[a-z_]{1,12}")  # a button's action prefix, never its answer


def core(context: ContextTypes.DEFAULT_TYPE) -> SelfCheck:
    return context.bot_data[CORE_KEY]


def workshops(context: ContextTypes.DEFAULT_TYPE) -> WorkshopDesk:
    return context.bot_data[WORKSHOPS_KEY]


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
         for row in keyboard])


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome) -> None:
    """Carry out an :class:`Outcome` with as few Bot API calls as it needs."""
    query = update.callback_query
    if query is not None:
        # The tap's answer and the change of the tapped message do not depend on
        # each other: sent together, the person sees both after one round trip.
        await _together(_answer_query(update, outcome.notice, outcome.alert),
                        _change_tapped_message(update, context, outcome))
    chat = update.effective_chat
    assert chat is not None
    for message in outcome.send:
        await send(context.bot, chat.id, message)
    if outcome.later is not None:
        for message in await outcome.later():
            await send(context.bot, chat.id, message)


async def send(bot: Bot, chat_id: int, message: Message) -> None:
    """One new message: text, an image or a file, each with its buttons."""
    match message:
        case Reply(text=text, keyboard=keyboard):
            await bot.send_message(chat_id, text, reply_markup=markup(keyboard))
        case Photo(data=data, file_name=file_name, caption=caption, keyboard=keyboard):
            await bot.send_photo(chat_id, data, filename=file_name, caption=caption,
                                 reply_markup=markup(keyboard))
        case Document(data=data, file_name=file_name, caption=caption, keyboard=keyboard):
            await bot.send_document(chat_id, data, filename=file_name, caption=caption,
                                    reply_markup=markup(keyboard))


async def _together(*calls: Awaitable[object]) -> None:
    """Run the calls side by side; the first failure is raised once all have finished."""
    for result in await asyncio.gather(*calls, return_exceptions=True):
        if isinstance(result, BaseException):
            raise result


async def _change_tapped_message(update: Update, context: ContextTypes.DEFAULT_TYPE,
                                 outcome: Outcome) -> None:
    query = update.callback_query
    assert query is not None
    if outcome.edit is not None:
        await _edit(update, context, outcome.edit)
    elif outcome.clear_keyboard:
        await _ignore_unchanged(query.edit_message_reply_markup(reply_markup=None))


async def _edit(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(reply.text, reply_markup=markup(reply.keyboard))
    except BadRequest as error:
        if "not modified" in error.message:
            return  # the message already shows this: a repeated tap or update
        # Too old, deleted or otherwise not editable: say it in a new message.
        log.info("edit failed (%s), sending a new message instead", error.message)
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, reply.text,
                                       reply_markup=markup(reply.keyboard))


async def _answer_query(update: Update, notice: str | None, alert: bool) -> None:
    """Answer a tap; one that is too old to answer (e.g. delivered again after a restart)
    still gets the rest of its outcome."""
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(notice, show_alert=alert)
    except BadRequest as error:
        if not _query_expired(error):
            raise
        log.info("tap could not be answered any more (%s)", error.message)


def _query_expired(error: BadRequest) -> bool:
    return "query is too old" in error.message or "query id is invalid" in error.message


async def _ignore_unchanged(call: object) -> None:
    try:
        await call  # type: ignore[misc]
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, with or without a deep-link payload (parsed in :mod:`bot.flows.deep_link`)."""
    payload = deep_link.parse_start(context.args)
    user_id = _user_id(update)
    match payload:
        case None | deep_link.UnknownPayload():
            outcome = await core(context).start(user_id, unknown_link=payload is not None)
        case _:
            outcome = await workshops(context).open_link(user_id, payload)
    await deliver(update, context, outcome)


async def weiter(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(update, context, await core(context).resume(_user_id(update)))


async def ergebnis(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(update, context, await core(context).results(_user_id(update)))


async def abbrechen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(update, context, await core(context).cancel_request(_user_id(update)))


async def hilfe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    selfcheck = core(context)
    await deliver(update, context, selfcheck.help(command_descriptions(selfcheck.render)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    command = (update.effective_message.text or "").split()[0]
    if len(command) > _MAX_COMMAND_SHOWN:  # a command can be a whole message long
        command = command[:_MAX_COMMAND_SHOWN] + "…"
    await deliver(update, context, await core(context).hint(_user_id(update), command))


_MAX_COMMAND_SHOWN = 40


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message: the name the bot asked for last, else a hint.

    The bot asks for a typed name in two places: the municipality's name for
    the printable report, and the name of a workshop being set up. Asking for
    one stops waiting for the other (see :mod:`bot.store.storage`), so at most one
    of them takes the message.
    """
    assert update.effective_message is not None
    user_id, text = _user_id(update), update.effective_message.text
    selfcheck = core(context)
    outcome = (await selfcheck.results_core.name_message(user_id, text)
               or await workshops(context).text(user_id, text)
               or await selfcheck.hint(user_id))
    await deliver(update, context, outcome)


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice messages, files, locations …: nothing to evaluate."""
    await deliver(update, context, await core(context).hint(_user_id(update), media=True))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    outcome = await core(context).press(_user_id(update), update.callback_query.data)
    await deliver(update, context, outcome)


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the update's context; tell the person something sensible, never a traceback."""
    if update is None and isinstance(context.error, TelegramError):
        return  # a failed getUpdates, logged in one short line (see bot/telegram/polling.py)
    if isinstance(context.error, Forbidden):
        log.info("the person blocked the bot or left the chat; nothing to send (%s, %s)",
                 context.error.message, describe(update))
        return
    log.error("error while handling an update: %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    selfcheck: SelfCheck | None = context.bot_data.get(CORE_KEY)
    if selfcheck is None:
        return
    try:
        if update.callback_query is not None and await _alert(update, selfcheck):
            return
        await context.bot.send_message(update.effective_chat.id,
                                       selfcheck.render.html("error.html.j2"))
    except Exception as error:  # the error report itself must never raise again
        log.warning("could not tell the person about the error: %s", type(error).__name__)


async def _alert(update: Update, selfcheck: SelfCheck) -> bool:
    """Tell about the error on the tapped button; ``False`` if the tap was already answered."""
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(selfcheck.render.text("notice.error"), show_alert=True)
    except BadRequest as error:
        if _query_expired(error):
            return False
        raise
    return True


def describe(update: object) -> str:
    """Which update this is, for a log line: never names, message texts or answers.

    Callback data names the chosen answer, so only its action is logged.
    """
    if not isinstance(update, Update):
        return f"non-update {type(update).__name__}"
    chat = update.effective_chat.type if update.effective_chat else "none"
    if update.callback_query is not None:
        prefix = (update.callback_query.data or "").split(":", 1)[0]
        what = f"button action={prefix if _ACTION.fullmatch(prefix) else '?'}"
    elif update.effective_message is not None:
        what = _message_kind(update)
    else:
        what = "other"
    return f"update_id={update.update_id} chat={chat} {what}"


def _message_kind(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    edited = "edited " if update.edited_message or update.edited_channel_post else ""
    text = message.text or ""
    if text.startswith("/"):
        name = text.split()[0][1:].split("@")[0]
        known = name if name in COMMANDS or name in ALIASES else "unknown"
        return f"{edited}command={known}"
    return f"{edited}message" + ("" if message.text is not None else " (no text)")
