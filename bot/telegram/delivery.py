"""Carrying out an :class:`~bot.flows.outcome.Outcome` in Telegram: the one place that does it.

The tap's answer, the change of the tapped message, new messages, the
messages made ``later`` and a ``broadcast`` to other people, with as few Bot
API calls as that needs.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.warnings import PTBUserWarning

from bot.flows.buttons import encode
from bot.flows.outcome import Document, Keyboard, Message, Outcome, Photo, Reply
from bot.telegram.context import BotContext

if TYPE_CHECKING:  # the composition root imports this channel to build it
    from bot.app import Services

log = logging.getLogger(__name__)

# Texts are sent with Bot.do_api_request, so the Message Telegram returns is not decoded
# into PTB's objects: the bot never reads it. PTB warns that a method of that name exists;
# not using it is the point.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.(editMessageText|sendMessage)'",
                        category=PTBUserWarning)


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, url=b.url,
                               callback_data=encode(b.action) if b.action is not None else None)
          for b in row]
         for row in keyboard])


def keyboard_json(keyboard: Keyboard) -> dict[str, Any] | None:
    """The inline keyboard as the Bot API takes it, built straight from the buttons."""
    if not keyboard:
        return None
    return {"inline_keyboard": [
        [{"text": b.label, "url": b.url} if b.action is None
         else {"text": b.label, "callback_data": encode(b.action)} for b in row]
        for row in keyboard]}


async def send_text(bot: Bot, chat_id: int, reply: Reply) -> int:
    """sendMessage without decoding the Message it returns; the new message's id."""
    sent = await bot.do_api_request("sendMessage", api_kwargs=_text_call(reply, chat_id=chat_id))
    return int(sent["message_id"])


async def edit_text(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """editMessageText without decoding the Message it returns."""
    await bot.do_api_request("editMessageText", api_kwargs=_text_call(
        reply, chat_id=chat_id, message_id=message_id))


def _text_call(reply: Reply, **target: int) -> dict[str, Any]:
    call: dict[str, Any] = {**target, "text": reply.text, "parse_mode": ParseMode.HTML}
    keyboard = keyboard_json(reply.keyboard)
    if keyboard is not None:
        call["reply_markup"] = keyboard
    return call


@dataclass(frozen=True)
class Tapped:
    """The button a person tapped: the query to answer and the message that shows it."""

    query_id: str
    message_id: int


async def deliver(update: Update, context: BotContext, outcome: Outcome) -> None:
    """Carry out ``outcome`` in the chat ``update`` came from."""
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    tapped = None
    if query is not None:
        assert query.message is not None  # buttons are only in the bot's own messages
        tapped = Tapped(query.id, query.message.message_id)
    live = LiveStatement(context.bot, context.services, chat.id) if chat.type == "private" else None
    await carry_out(context.bot, context.services, chat.id, tapped, outcome, live)


async def carry_out(bot: Bot, services: Services, chat_id: int, tapped: Tapped | None,
                    outcome: Outcome, live: LiveStatement | None = None) -> None:
    """``outcome`` in the chat ``chat_id``; ``tapped``: the button it answers, if any;
    ``live`` keeps one answerable copy of a statement in a private chat."""
    if tapped is not None:
        # The tap's answer and the change of the tapped message do not depend on
        # each other: sent together, the person sees both after one round trip.
        await _together(_answer_query(bot, tapped, outcome.notice, outcome.alert),
                        _change_tapped_message(bot, chat_id, tapped, outcome, live))
    for message in outcome.send:
        sent = await send(bot, chat_id, message)
        # A new message can only start showing the live statement, never stop.
        if live is not None and isinstance(message, Reply) and message.live:
            await live.shown(message, sent)
    if outcome.later is not None:
        for message in await outcome.later():
            await send(bot, chat_id, message)
    broadcast = outcome.broadcast
    if broadcast is not None:
        # The sender's tap is answered first; the bulk messages follow at the pace
        # Telegram allows, then the sender learns how it went.
        report = await services.broadcaster.send(bot, broadcast)
        for message in broadcast.reported(report) if broadcast.reported else ():
            await send(bot, chat_id, message)


async def send(bot: Bot, chat_id: int, message: Message) -> int:
    """One new message: text, an image or a file, each with its buttons; its message id."""
    match message:
        case Reply():
            return await send_text(bot, chat_id, message)
        case Photo(data=data, file_name=file_name, caption=caption, keyboard=keyboard):
            photo = await bot.send_photo(chat_id, data, filename=file_name, caption=caption,
                                         reply_markup=_markup(keyboard))
            return photo.message_id
        case Document(data=data, file_name=file_name, caption=caption, keyboard=keyboard):
            document = await bot.send_document(chat_id, data, filename=file_name,
                                               caption=caption, reply_markup=_markup(keyboard))
            return document.message_id


class LiveStatement:
    """Keeps one answerable copy of the live statement in a private chat.

    A new live statement takes the buttons off the message that showed the
    previous one; a message that stops showing it (edited into a note) is
    forgotten, so its own buttons stay. Kept in the store, so this holds
    across restarts. In a private chat the chat id is the person's id.
    """

    def __init__(self, bot: Bot, services: Services, person: int) -> None:
        self._bot, self._people, self._person = bot, services.storage.people, person
        # Read once, then kept up to date by this object's own writes: one reply
        # may show the statement twice (the tapped message edited, then a new one).
        self._previous: int | None = None
        self._read = False

    async def shown(self, reply: Reply, message_id: int) -> None:
        previous = await self._previous_message()
        if not reply.live:
            if previous == message_id:
                await self._remember(None)
            return
        if previous == message_id:
            return
        if previous is not None:
            try:
                await self._bot.edit_message_reply_markup(self._person, previous, reply_markup=None)
            except BadRequest as error:  # already without buttons, too old or deleted
                log.info("could not take the buttons off an old statement: %s", error.message)
        await self._remember(message_id)

    async def _previous_message(self) -> int | None:
        if not self._read:
            self._previous, self._read = await self._people.live_statement(self._person), True
        return self._previous

    async def _remember(self, message_id: int | None) -> None:
        await self._people.set_live_statement(self._person, message_id)
        self._previous, self._read = message_id, True


async def _together(*calls: Awaitable[object]) -> None:
    """Run the calls side by side; the first failure is raised once all have finished."""
    for result in await asyncio.gather(*calls, return_exceptions=True):
        if isinstance(result, BaseException):
            raise result


async def _change_tapped_message(bot: Bot, chat_id: int, tapped: Tapped,
                                 outcome: Outcome, live: LiveStatement | None) -> None:
    if outcome.edit is not None:
        message_id = await _edit(bot, chat_id, tapped, outcome.edit)
        if live is not None:
            await live.shown(outcome.edit, message_id)
    elif outcome.clear_keyboard:
        await _ignore_unchanged(bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=tapped.message_id, reply_markup=None))


async def _edit(bot: Bot, chat_id: int, tapped: Tapped, reply: Reply) -> int:
    """Change the tapped message; the id of the message that shows ``reply`` now."""
    try:
        await edit_text(bot, chat_id, tapped.message_id, reply)
    except BadRequest as error:
        if "not modified" in error.message:
            return tapped.message_id  # it already shows this: a repeated tap or update
        # Too old, deleted or otherwise not editable: say it in a new message.
        log.info("edit failed (%s), sending a new message instead", error.message)
        return await send_text(bot, chat_id, reply)
    return tapped.message_id


async def _answer_query(bot: Bot, tapped: Tapped, notice: str | None, alert: bool) -> None:
    """Answer a tap; one that is too old to answer (e.g. delivered again after a restart)
    still gets the rest of its outcome."""
    try:
        await bot.answer_callback_query(tapped.query_id, notice, show_alert=alert)
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
