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
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.flows import commands
from bot.flows.outcome import Button, Outcome, Reply
from bot.telegram import deep_link
from bot.telegram.context import BotContext
from bot.telegram.delivery import deliver
from bot.telegram.handlers import describe

log = logging.getLogger(__name__)

GROUP = -1  # PTB handler group: runs before the features' handlers in group 0
NOT_ADDRESSED_TO_THE_BOT = (filters.UpdateType.EDITED | filters.UpdateType.CHANNEL_POSTS
                            | filters.UpdateType.BUSINESS_MESSAGE
                            | filters.UpdateType.EDITED_BUSINESS_MESSAGE)


def gate_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """In order: within one group PTB runs only the first handler that matches."""
    return [
        MessageHandler(NOT_ADDRESSED_TO_THE_BOT, ignore),
        CommandHandler(commands.names(), group_command, filters=~filters.ChatType.PRIVATE),
        TypeHandler(Update, private_only),
    ]


async def ignore(update: Update, context: BotContext) -> None:
    log.debug("ignored: %s", describe(update))
    raise ApplicationHandlerStop


async def group_command(update: Update, context: BotContext) -> None:
    """One of our commands in a group: point to the private chat, show nothing personal."""
    render = context.services.renderer
    payload = deep_link.payload_of(context.args) if _is_start(update) else None
    link = deep_link.private_chat_link(context.bot.username, payload)
    button = Button(render.text("reliability.group_button"), url=link)
    await deliver(update, context, Outcome(send=(
        Reply(render.html("group.html.j2"), ((button,),)),)))
    raise ApplicationHandlerStop


def _is_start(update: Update) -> bool:
    message = update.effective_message
    words = (message.text or "").split() if message is not None else []
    return bool(words) and words[0].split("@")[0] == "/start"


async def private_only(update: Update, context: BotContext) -> None:
    """Let private-chat updates through (noting the person's activity), stop all others."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        if update.effective_user is None:
            log.info("private update without a sender, ignored: %s", describe(update))
            raise ApplicationHandlerStop
        await context.services.flows.note_activity(update.effective_user.id)
        return
    if update.callback_query is not None:
        # A button on a group message, a forwarded message or an inline message.
        await update.callback_query.answer(
            context.services.renderer.text("reliability.group_refusal"), show_alert=True)
    log.debug("not a private chat, ignored: %s", describe(update))
    raise ApplicationHandlerStop
