"""How often one person, and one address, may ask for expensive work (a PDF report) in a short time.

A report costs about a second of CPU in the printing process, which serves
everybody. Each person's updates already run one after the other, so nobody
has two reports in the making at once, but a person (or a script) asking
again and again would still keep that process busy for everyone. Beyond a few
reports in a minute the person gets a friendly notice instead; nobody asks for
more than that by hand.

Throw-away browser sessions are new persons for the asking, so the browser's
address has a budget too (its channel names it, see
:mod:`bot.output.fair_queue`), sized for a workshop room behind one Wi-Fi
where everybody asks for their report at the end. Telegram people have no
address; their own budget is enough there. The order in which the printing
process then serves the reports is fair by requester
(:class:`bot.output.fair_queue.FairQueue`).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from bot.output.fair_queue import current_requester

REPORTS_PER_WINDOW = 5
# In a window: a room of about 40 behind one Wi-Fi, each asking for a report or two at the end,
# as many people as one address may start (bot/web/security.py). Within an address the
# printing process serves person by person (bot/output/fair_queue.py), so a flooder there
# delays the others by one report each, not by their whole flood.
REPORTS_PER_ADDRESS = 100
WINDOW_SECONDS = 60.0


class WorkQuota:
    """At most ``limit`` jobs per person, ``address_limit`` per address, within ``window`` seconds."""

    def __init__(self, limit: int = REPORTS_PER_WINDOW, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 address_limit: int = REPORTS_PER_ADDRESS) -> None:
        self._limits = {"person": limit, "address": address_limit}
        self._window = window
        self._clock = clock
        self._recent: dict[tuple[str, object], deque[float]] = {}
        self._swept = clock()

    def take(self, user_id: int) -> int | None:
        """Count one job for ``user_id`` (and the current address); ``None`` if it may run,
        else the seconds to wait."""
        now = self._clock()
        address = current_requester().address
        budgets = [("person", user_id)] + ([("address", address)] if address is not None else [])
        waits = [wait for key in budgets if (wait := self._wait(key, now)) is not None]
        if waits:
            return max(waits)
        for key in budgets:
            self._recent.setdefault(key, deque()).append(now)
        if now - self._swept >= self._window:  # an address stays no longer than it counts
            self._forget_quiet(now)
        return None

    def _wait(self, key: tuple[str, object], now: float) -> int | None:
        recent = self._recent.get(key)
        if recent is None:
            return None
        while recent and now - recent[0] >= self._window:
            recent.popleft()
        if len(recent) < self._limits[key[0]]:
            return None
        return max(1, math.ceil(self._window - (now - recent[0])))

    def _forget_quiet(self, now: float) -> None:
        self._swept = now
        for key in [k for k, times in self._recent.items()
                    if not times or now - times[-1] >= self._window]:
            del self._recent[key]
