"""Carrying out an :class:`~bot.flows.outcome.Outcome` in Telegram: the one place that does it.

The tap's answer, the change of the tapped message, new messages, the
messages made ``later`` and a ``broadcast`` to other people, with as few Bot
API calls as that needs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.flows.actions import encode
from bot.flows.outcome import Document, Keyboard, Message, Outcome, Photo, Reply
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, url=b.url,
                               callback_data=encode(b.action) if b.action is not None else None)
          for b in row]
         for row in keyboard])


async def deliver(update: Update, context: BotContext, outcome: Outcome) -> None:
    """Carry out ``outcome`` in the chat ``update`` came from."""
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
    broadcast = outcome.broadcast
    if broadcast is not None:
        # The sender's tap is answered first; the bulk messages follow at the pace
        # Telegram allows, then the sender learns how it went.
        report = await context.services.broadcaster.send(context.bot, broadcast)
        for message in broadcast.reported(report) if broadcast.reported else ():
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


async def _change_tapped_message(update: Update, context: BotContext, outcome: Outcome) -> None:
    query = update.callback_query
    assert query is not None
    if outcome.edit is not None:
        await _edit(update, context, outcome.edit)
    elif outcome.clear_keyboard:
        await _ignore_unchanged(query.edit_message_reply_markup(reply_markup=None))


async def _edit(update: Update, context: BotContext, reply: Reply) -> None:
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
        if not query_expired(error):
            raise
        log.info("tap could not be answered any more (%s)", error.message)


def query_expired(error: BadRequest) -> bool:
    return "query is too old" in error.message or "query id is invalid" in error.message


async def _ignore_unchanged(call: Awaitable[object]) -> None:
    try:
        await call
    except BadRequest as error:
        if "not modified" not in error.message:
            raise
