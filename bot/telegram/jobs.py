"""Background jobs on PTB's JobQueue: the health heartbeat and the retention period."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.flows import upkeep
from bot.flows.upkeep import HEARTBEAT_INTERVAL, RETENTION_FIRST_RUN, RETENTION_INTERVAL
from bot.telegram.context import BotContext, ServicesSlot

log = logging.getLogger(__name__)

def schedule(application: Application[Any, BotContext, Any, Any, Any, Any],
             retention_days: int) -> None:
    """Register the jobs; they start with the application (the first beat is written
    at start-up, see :func:`bot.telegram.application.build`)."""
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is a dependency"
    job_queue.run_repeating(heartbeat, interval=HEARTBEAT_INTERVAL, first=HEARTBEAT_INTERVAL,
                            name="heartbeat")
    if retention_days:
        job_queue.run_repeating(delete_expired, interval=RETENTION_INTERVAL,
                                first=RETENTION_FIRST_RUN, name="retention")


async def heartbeat(context: BotContext) -> None:
    """Proves that the event loop runs, the database takes writes and updates get through.

    While updates are not fetched, or wait without any being finished, no beat
    is written (see :mod:`bot.telegram.liveness`), so ``health`` fails; a
    deleted or replaced database file stops the bot (:func:`bot.flows.upkeep.beat`).
    """
    liveness = context.bot_data.liveness
    stall = liveness.stall() if liveness is not None else None
    if stall is not None:
        log.warning("no heartbeat: %s", stall)
        return
    reason = await upkeep.beat(context.services.storage)
    if reason is not None:
        context.bot_data.stopped_because = reason
        if context.bot_data.stop_serving is not None:
            context.bot_data.stop_serving()


def stopped_by_heartbeat(application: Application[Any, BotContext, Any, Any, Any, Any]) -> str | None:
    """Why the heartbeat stopped the bot, if it did."""
    slot: ServicesSlot = application.bot_data
    return slot.stopped_because


async def delete_expired(context: BotContext) -> None:
    await upkeep.delete_expired(context.services.flows, context.services.settings.retention_days)
