"""The first handlers every update meets (handler group -1), before any feature sees it.

They enforce, for every feature at once, what must never depend on each
feature remembering it:

- The self-check runs in private chats only. In a group, the bot's commands
  are answered with a link into the private chat, button taps are refused
  politely, and nothing else gets through, so no handler can ever show a
  person's answers in a group.
- Edited messages change nothing: a command or text is acted on once, when
  it is sent. Channel posts and business messages (a chat of a business
  account the bot may be connected to) are not addressed to the bot: ignored.
- A private message without a sender (Telegram omits ``from`` in rare cases)
  is ignored: every feature needs to know whose data it is.
- A known person's activity keeps their data from expiring (see
  :mod:`bot.flows.privacy`).
"""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (ApplicationHandlerStop, BaseHandler, CommandHandler, ContextTypes,
                          MessageHandler, TypeHandler, filters)

from bot.flows import deep_link
from bot.telegram.commands import ALIASES, COMMANDS
from bot.telegram.handlers import core, deliver, describe
from bot.telegram.privacy_handlers import privacy
from bot.flows.outcome import Button, Outcome, Reply

log = logging.getLogger(__name__)

GROUP = -1  # PTB handler group: runs before the features' handlers in group 0
NOT_ADDRESSED_TO_THE_BOT = (filters.UpdateType.EDITED | filters.UpdateType.CHANNEL_POSTS
                            | filters.UpdateType.BUSINESS_MESSAGE
                            | filters.UpdateType.EDITED_BUSINESS_MESSAGE)


def gate_handlers() -> list[BaseHandler]:
    """In order: within one group PTB runs only the first handler that matches."""
    return [
        MessageHandler(NOT_ADDRESSED_TO_THE_BOT, ignore),
        CommandHandler([*COMMANDS, *ALIASES], group_command, filters=~filters.ChatType.PRIVATE),
        TypeHandler(Update, private_only),
    ]


async def ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.debug("ignored: %s", describe(update))
    raise ApplicationHandlerStop


async def group_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One of our commands in a group: point to the private chat, show nothing personal."""
    selfcheck = core(context)
    payload = deep_link.payload_of(context.args) if _is_start(update) else None
    link = deep_link.private_chat_link(context.bot.username, payload)
    button = Button(selfcheck.render.text("reliability.group_button"), url=link)
    await deliver(update, context, Outcome(send=(
        Reply(selfcheck.render.html("group.html.j2"), ((button,),)),)))
    raise ApplicationHandlerStop


def _is_start(update: Update) -> bool:
    message = update.effective_message
    words = (message.text or "").split() if message is not None else []
    return bool(words) and words[0].split("@")[0] == "/start"


async def _note_activity(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    """Best effort: a failed note must not stand between a person and their answer."""
    try:
        await privacy(context).touch(user_id)
    except sqlite3.Error as error:
        log.warning("could not note a person's activity: %s", error)


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let private-chat updates through (noting the person's activity), stop all others."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        if update.effective_user is None:
            log.info("private update without a sender, ignored: %s", describe(update))
            raise ApplicationHandlerStop
        await _note_activity(context, update.effective_user.id)
        return
    if update.callback_query is not None:
        # A button on a group message, a forwarded message or an inline message.
        await update.callback_query.answer(core(context).render.text("reliability.group_refusal"),
                                           show_alert=True)
    log.debug("not a private chat, ignored: %s", describe(update))
    raise ApplicationHandlerStop
