"""Background jobs on PTB's JobQueue: the health heartbeat and the retention period."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.telegram.handlers import core
from bot.telegram.liveness import Liveness
from bot.telegram.privacy_handlers import privacy

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = timedelta(seconds=30)
# ``selbstcheck-bot health`` calls the bot unhealthy after this long without a beat.
HEARTBEAT_MAX_AGE = timedelta(seconds=120)
LIVENESS_KEY = "liveness"
RETENTION_INTERVAL = timedelta(days=1)
RETENTION_FIRST_RUN = timedelta(minutes=5)  # after a start, so restarts never skip a day


def schedule(application: Application, retention_days: int) -> None:
    """Register the jobs; they start with the application (the first beat is written
    at start-up, see :func:`bot.telegram.application._open_storage`)."""
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is a dependency"
    job_queue.run_repeating(heartbeat, interval=HEARTBEAT_INTERVAL, first=HEARTBEAT_INTERVAL,
                            name="heartbeat")
    if retention_days:
        job_queue.run_repeating(delete_expired, interval=RETENTION_INTERVAL,
                                first=RETENTION_FIRST_RUN, name="retention")


async def heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Proves that the event loop runs, the database takes writes and updates get through.

    While updates are not fetched, or wait without any being finished, no beat
    is written (see :mod:`bot.telegram.liveness`), so ``health`` fails.
    """
    liveness: Liveness = context.bot_data[LIVENESS_KEY]
    stall = liveness.stall()
    if stall is not None:
        log.warning("no heartbeat: %s", stall)
        return
    await core(context).storage.beat()


async def delete_expired(context: ContextTypes.DEFAULT_TYPE) -> None:
    deleted = await privacy(context).delete_expired()
    log.info("retention: deleted the data of %d person(s) inactive for more than %d days",
             deleted, privacy(context).retention_days)
