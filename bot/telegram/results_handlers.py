"""Telegram handlers for the results: /bericht and the results buttons."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.flows import callback_data as cb
from bot.telegram.handlers import core, deliver
from bot.flows.results import ResultsCore


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
