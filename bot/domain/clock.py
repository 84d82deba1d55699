"""The one source of the time of day for the store and the flows.

Everything that stamps or compares a moment (an answer's time, a person's
last activity, the retention period, a report's date) asks the clock the
composition root built, never the machine directly: tests set their own clock
and so no test depends on the day it runs. Intervals a process measures for
itself (rate limits, liveness) keep ``time.monotonic``, which no calendar moves.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware in UTC."""
        ...


class SystemClock:
    """The machine's clock: the one a running bot uses."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)
