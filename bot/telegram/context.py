"""The handlers' context: PTB's CallbackContext with the bot's services on it, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:  # the composition root imports this channel to build it
    from bot.app import Services


class ServicesSlot:
    """The application's ``bot_data``: the services, from start-up (post_init) to shutdown."""

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], ServicesSlot]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the services are opened when the application starts")
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=ServicesSlot)
