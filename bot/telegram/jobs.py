"""Background jobs on PTB's JobQueue: the health heartbeat and the retention period."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.telegram.context import BotContext

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
    """Proves that the event loop runs and the database takes writes."""
    await context.services.storage.beat()


async def delete_expired(context: BotContext) -> None:
    deleted = await context.services.flows.delete_expired()
    log.info("retention: deleted the data of %d person(s) inactive for more than %d days",
             deleted, context.services.settings.retention_days)
