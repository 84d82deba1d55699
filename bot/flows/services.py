"""What a channel may use: the services the composition root builds once per process.

The channels (bot/telegram, bot/web) take this narrow record instead of
reaching back into the composition root (bot/app.py), which builds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.flows.delivery import Dispatcher
from bot.flows.dispatch import Flows
from bot.output.render import Renderer
from bot.store.storage import Storage


@dataclass(frozen=True)
class Services:
    """The flows and what they stand on; ``delivery`` sends notices to people of any channel."""

    settings: Settings
    questionnaire: Questionnaire
    renderer: Renderer
    storage: Storage
    flows: Flows
    delivery: Dispatcher
