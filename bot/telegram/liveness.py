"""Whether the running bot still takes in updates and gets through them.

The heartbeat alone proves only that the event loop runs and the database
takes writes. A bot whose polling is stuck (Telegram unreachable, another
instance polling with the same token, an update the library cannot read) or
whose every update hangs would stay green. So the heartbeat job asks this
record first and writes no beat while the bot is stalled: ``selbstcheck-bot
health`` then fails once the last beat is too old.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Stalled after this long without a successful getUpdates (a long poll lasts
# 10 s) or, while updates are waiting, without one of them finished.
STALL_SECONDS = 90.0


class Liveness:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._polling_since: float | None = None  # first getUpdates attempt: the bot polls
        self._fetched_at: float | None = None
        self._in_progress = 0  # updates taken in and not finished (also those waiting their turn)
        self._progress_at = clock()  # the last update finished, or work arrived at an idle bot

    def fetch_attempted(self) -> None:
        if self._polling_since is None:
            self._polling_since = self._clock()

    def fetched(self) -> None:
        """A getUpdates call succeeded (whether or not it brought updates)."""
        self._fetched_at = self._clock()

    def update_arrived(self) -> None:
        if not self._in_progress:
            self._progress_at = self._clock()
        self._in_progress += 1

    def update_done(self) -> None:
        self._in_progress -= 1
        self._progress_at = self._clock()

    def stall(self, limit: float = STALL_SECONDS) -> str | None:
        """Why the bot counts as stalled (for the log), or ``None`` while it is well."""
        now = self._clock()
        if self._polling_since is not None:
            last = self._fetched_at if self._fetched_at is not None else self._polling_since
            if now - last > limit:
                return f"no successful getUpdates for {now - last:.0f} s"
        if self._in_progress and now - self._progress_at > limit:
            return (f"{self._in_progress} update(s) waiting, none finished "
                    f"for {now - self._progress_at:.0f} s")
        return None
