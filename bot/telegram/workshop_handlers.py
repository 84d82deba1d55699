"""Telegram handlers of the workshop mode: /workshop and the workshop buttons ("w…")."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.flows import callback_data as cb
from bot.telegram.broadcast import Broadcaster
from bot.telegram.handlers import deliver, send, workshops

BROADCASTER_KEY = "broadcaster"


def broadcaster(context: ContextTypes.DEFAULT_TYPE) -> Broadcaster:
    return context.bot_data[BROADCASTER_KEY]


async def workshop_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/workshop, optionally followed by the municipality's name."""
    assert update.effective_user is not None
    argument = " ".join(context.args or ())
    await deliver(update, context, await workshops(context).command(update.effective_user.id,
                                                                    argument))


async def workshop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None and update.effective_user is not None
    assert update.effective_chat is not None
    desk = workshops(context)
    decoded = cb.decode_workshop(update.callback_query.data)
    if decoded is not None and (decoded.action, decoded.what) == ("manage", "pdf"):
        # "Sending a file …" in the chat header while the report is being made.
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)
    outcome = await desk.press(update.effective_user.id, update.callback_query.data)
    await deliver(update, context, outcome)
    if outcome.broadcast is not None:
        # The coordinator's tap is answered first; the bulk messages follow at the
        # pace Telegram allows, then the coordinator learns how it went.
        report = await broadcaster(context).send(context.bot, outcome.broadcast)
        for item in desk.shared(outcome.broadcast, report).send:
            await send(context.bot, update.effective_chat.id, item)
