"""How often one person may ask for expensive work (a PDF report) in a short time.

A report costs about a second of CPU in the printing process, which serves
everybody. Each person's updates already run one after the other, so nobody
has two reports in the making at once, but a person (or a script) asking
again and again would still keep that process busy for everyone. Beyond a few
reports in a minute the person gets a friendly notice instead; nobody asks for
more than that by hand.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

REPORTS_PER_WINDOW = 5
WINDOW_SECONDS = 60.0
_SWEEP_ABOVE = 1000  # people remembered before the quiet ones are forgotten


class WorkQuota:
    """At most ``limit`` jobs per person within any ``window`` seconds."""

    def __init__(self, limit: int = REPORTS_PER_WINDOW, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}

    def take(self, user_id: int) -> int | None:
        """Count one job for ``user_id``; ``None`` if it may run, else the seconds to wait."""
        now = self._clock()
        recent = self._recent.setdefault(user_id, deque())
        while recent and now - recent[0] >= self._window:
            recent.popleft()
        if len(recent) >= self._limit:
            return max(1, math.ceil(self._window - (now - recent[0])))
        recent.append(now)
        if len(self._recent) > _SWEEP_ABOVE:
            self._forget_quiet(now)
        return None

    def _forget_quiet(self, now: float) -> None:
        for user_id in [u for u, times in self._recent.items()
                        if not times or now - times[-1] >= self._window]:
            del self._recent[user_id]
