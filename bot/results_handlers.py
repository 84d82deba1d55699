"""Telegram handlers for the results: /bericht, their buttons, the municipality's name."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import callback_data as cb
from bot.handlers import core, deliver
from bot.handlers import free_text as hint_for_free_text
from bot.results import ResultsCore


def results_core(context: ContextTypes.DEFAULT_TYPE) -> ResultsCore:
    return core(context).results_core


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _show_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Sending a file …" in the chat header while the PDF is being made."""
    assert update.effective_chat is not None
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)


async def bericht(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _show_upload(update, context)
    await deliver(update, context, await results_core(context).report(_user_id(update)))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    data = update.callback_query.data
    decoded = cb.decode(data)
    if decoded is not None and decoded.action == "report":
        await _show_upload(update, context)
    await deliver(update, context, await results_core(context).press(_user_id(update), data))


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The municipality's name when the bot asked for it; any other text gets the hint."""
    assert update.effective_message is not None
    outcome = await results_core(context).name_message(_user_id(update),
                                                        update.effective_message.text)
    if outcome is None:
        await hint_for_free_text(update, context)
        return
    await deliver(update, context, outcome)
