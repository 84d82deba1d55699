"""Keeping a running process healthy, whichever channel runs it: the heartbeat and the retention period.

The Telegram channel runs these on PTB's job queue (bot/telegram/jobs.py); the
browser channel alone has no job queue and runs :func:`keep_alive` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.flows.dispatch import Flows
from bot.store.errors import StorageError
from bot.store.storage import Storage

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = timedelta(seconds=30)
# ``selbstcheck-bot health`` calls the process unhealthy after this long without a beat.
HEARTBEAT_MAX_AGE = timedelta(seconds=120)
RETENTION_INTERVAL = timedelta(days=1)
RETENTION_FIRST_RUN = timedelta(minutes=5)  # after a start, so restarts never skip a day


async def beat(storage: Storage) -> str | None:
    """Write the heartbeat; or why the process must stop instead.

    A database file deleted or replaced under the running process stops it: it
    would go on confirming answers that nobody can ever read again.
    """
    try:
        await storage.health.beat()
    except StorageError as error:
        log.error("stopping: %s", error)
        return str(error)
    return None


async def delete_expired(flows: Flows, retention_days: int) -> None:
    deleted = await flows.delete_expired()
    log.info("retention: deleted the data of %d person(s) inactive for more than %d days",
             deleted, retention_days)


async def keep_alive(flows: Flows, storage: Storage, retention_days: int,
                     stop: Callable[[], None]) -> str:
    """Heartbeat and retention until the heartbeat says stop; then ``stop()`` and why.

    A commit that finds the database file gone wakes it at once: the
    heartbeat then stops the process instead of 30 s later.
    """
    loop = asyncio.get_running_loop()
    next_retention = loop.time() + RETENTION_FIRST_RUN.total_seconds()
    while True:
        reason = await beat(storage)
        if reason is not None:
            stop()
            return reason
        if retention_days and loop.time() >= next_retention:
            await delete_expired(flows, retention_days)
            next_retention += RETENTION_INTERVAL.total_seconds()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(storage.database.gone.wait(),
                                   HEARTBEAT_INTERVAL.total_seconds())
