"""The ceiling of any write path: plain single-row commits into a database set up like ours."""

from __future__ import annotations

import time
from pathlib import Path

import aiosqlite

from bot.domain.clock import SystemClock
from bot.store.connection import configure, timestamp


async def measure_commit_rate(path: str | Path, seconds: float = 1.0) -> float:
    """Single-row commits per second into a scratch database at ``path``, set up like ours.

    The ceiling for any write path over one aiosqlite connection on this file
    system; the benchmark prints it next to the bot's own answer rate. The
    scratch file is removed afterwards.
    """
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        await configure(connection)
        await connection.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL)")
        clock, commits = SystemClock(), 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            await connection.execute("INSERT INTO probe (at) VALUES (?)", (timestamp(clock.now()),))
            commits += 1
    finally:
        await connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return commits / elapsed
