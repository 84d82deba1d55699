"""The composition root: builds the bot's services once and the channels on top of them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from telegram.request import BaseRequest

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.flows.dispatch import Flows
from bot.output.render import Renderer
from bot.store.storage import Storage
from bot.telegram import application, deep_link
from bot.telegram.application import TelegramApplication
from bot.telegram.broadcast import Broadcaster


@dataclass(frozen=True)
class Services:
    """Everything a channel's handlers and jobs use, built once per process."""

    settings: Settings
    questionnaire: Questionnaire
    renderer: Renderer
    storage: Storage
    flows: Flows
    broadcaster: Broadcaster


async def open_services(settings: Settings, questionnaire: Questionnaire, renderer: Renderer,
                        bot_username: str) -> Services:
    """Open the database and build the flows; invitations become the bot's ``t.me`` links."""
    storage = await Storage.open(settings.database)
    flows = Flows(storage, questionnaire, renderer, settings,
                  functools.partial(deep_link.start_link, bot_username))
    return Services(settings=settings, questionnaire=questionnaire, renderer=renderer,
                    storage=storage, flows=flows, broadcaster=Broadcaster())


def build_application(settings: Settings, questionnaire: Questionnaire, renderer: Renderer, *,
                      request: BaseRequest | None = None) -> TelegramApplication:
    """The Telegram bot; its services open when it starts. ``request`` replaces the network
    layer (tests, benchmark)."""
    return application.build(
        settings, functools.partial(open_services, settings, questionnaire, renderer),
        request=request)
