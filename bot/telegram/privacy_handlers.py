"""Telegram side of /datenschutz and /loeschen: decode, ask :mod:`bot.flows.privacy`, deliver."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.handlers import deliver
from bot.flows.privacy import Privacy

PRIVACY_KEY = "privacy"


def privacy(context: ContextTypes.DEFAULT_TYPE) -> Privacy:
    return context.bot_data[PRIVACY_KEY]


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def datenschutz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(update, context, privacy(context).statement())


async def loeschen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(update, context, await privacy(context).erase_request(_user_id(update)))


async def deletion_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    outcome = await privacy(context).erase(_user_id(update), update.callback_query.data)
    await deliver(update, context, outcome)
