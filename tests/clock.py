"""The clock the tests set: time stands still at a fixed moment until a test moves it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# A Monday morning in Germany (09:30 CET), far from midnight and from a change of
# summer time, so that "today" is the same day in UTC and in Berlin.
START = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)


class SettableClock:
    """A :class:`~bot.domain.clock.Clock` that says what the test set, however long the test runs."""

    def __init__(self, moment: datetime = START) -> None:
        self.moment = START
        self.set(moment)

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock keeps timezone-aware moments only")
        self.moment = moment.astimezone(timezone.utc)

    def advance(self, by: timedelta) -> None:
        self.moment += by
