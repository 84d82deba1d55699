"""Log lines that repeat at most once a minute, so a fault that recurs every moment cannot flood the log.

A Bot API outage makes every ``getUpdates`` fail, an update the library cannot
read comes back until it is skipped, a person's flood is dropped update by
update: each is worth one line, with how often it happened meanwhile, not one
line (or traceback) per occurrence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

INTERVAL_SECONDS = 60.0


class LimitedLog:
    """One logger's repeated line: written at once, then at most every ``interval`` seconds."""

    def __init__(self, log: logging.Logger, interval: float = INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._log = log
        self._interval = interval
        self._clock = clock
        self._last: float | None = None
        self._suppressed = 0

    def __call__(self, level: int, message: str, *args: object) -> bool:
        """Write the line unless one was written less than ``interval`` ago; ``True`` if written."""
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            self._suppressed += 1
            return False
        suppressed, self._suppressed, self._last = self._suppressed, 0, now
        if suppressed:
            message += " (%d more since the last such line)"
            args = (*args, suppressed)
        self._log.log(level, message, *args)
        return True
