"""Background jobs on PTB's JobQueue: the health heartbeat and the retention period."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.store.errors import StorageError
from bot.telegram.context import BotContext, ServicesSlot

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = timedelta(seconds=30)
# ``selbstcheck-bot health`` calls the bot unhealthy after this long without a beat.
HEARTBEAT_MAX_AGE = timedelta(seconds=120)
RETENTION_INTERVAL = timedelta(days=1)
RETENTION_FIRST_RUN = timedelta(minutes=5)  # after a start, so restarts never skip a day


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
    is written (see :mod:`bot.telegram.liveness`), so ``health`` fails. A
    database file deleted or replaced under the running bot stops it: it would
    go on confirming answers that nobody can ever read again.
    """
    liveness = context.bot_data.liveness
    stall = liveness.stall() if liveness is not None else None
    if stall is not None:
        log.warning("no heartbeat: %s", stall)
        return
    try:
        await context.services.storage.health.beat()
    except StorageError as error:
        log.error("stopping: %s", error)
        context.bot_data.stopped_because = str(error)
        if context.bot_data.stop_serving is not None:
            context.bot_data.stop_serving()


def stopped_by_heartbeat(application: Application[Any, BotContext, Any, Any, Any, Any]) -> str | None:
    """Why the heartbeat stopped the bot, if it did."""
    slot: ServicesSlot = application.bot_data
    return slot.stopped_because


async def delete_expired(context: BotContext) -> None:
    deleted = await context.services.flows.delete_expired()
    log.info("retention: deleted the data of %d person(s) inactive for more than %d days",
             deleted, context.services.settings.retention_days)
