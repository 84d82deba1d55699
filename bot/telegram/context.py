"""The handlers' context: PTB's CallbackContext with the bot's services on it, typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot.flows.services import Services
from bot.telegram.liveness import Liveness


class ServicesSlot:
    """The application's ``bot_data``: the services, from the channel's opening to its stop."""

    def __init__(self) -> None:
        self.services: Services | None = None
        # Why the heartbeat stopped the bot (a deleted or replaced database file), if it did.
        self.stopped_because: str | None = None
        # Whether updates are fetched and processed (set when the application is built).
        self.liveness: Liveness | None = None
        # The HTTP clients, closed at the end even if the start failed (a rejected token).
        self.network: tuple[BaseRequest, ...] = ()
        # Ends the process's HTTP server and so both channels (given when the channel opens).
        self.stop_serving: Callable[[], None] | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], ServicesSlot]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the services are given when the channel opens")
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=ServicesSlot)
