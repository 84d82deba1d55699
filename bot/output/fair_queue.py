"""Who asks for heavy work, and the order the workers serve them in: by requester, in turn.

One drawing and one printing process serve everybody (:mod:`bot.output.workers`).
Served first come, first served, twelve throw-away sessions asking for PDF
reports again and again took another person's report from 0.40 s to 9.1 s:
it waited behind every job they had queued. Here a worker takes the next job
from the requester served least recently: first among addresses (a browser's
network address; a Telegram person, who has none, counts as an address of
their own), then among the persons at that address, then that person's jobs
in their order. A flood from one address thus gets one turn in each round,
like everybody else, and a newcomer is served right after the job in hand.

The requester travels with the request, not through every signature: the
channel names the address and :meth:`bot.flows.dispatch.Flows.act` the
person, in a context variable that asyncio hands on to what the request awaits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.domain.context_setting import Setting

T = TypeVar("T")
_REMEMBERED = 4096  # requesters whose last turn is kept while jobs wait; the quietest go first


@dataclass(frozen=True)
class Requester:
    """Who a piece of work is for; ``None`` where the channel does not know."""

    person: int | None = None
    address: str | None = None

    @property
    def group(self) -> str:
        """Whom the first round goes by: the address, else the person."""
        if self.address is not None:
            return f"address {self.address}"
        return f"person {self.person}" if self.person is not None else "nobody"


_NOBODY = Requester()
_REQUESTER: ContextVar[Requester] = ContextVar("requester")


def current_requester() -> Requester:
    return _REQUESTER.get(_NOBODY)


def requested_by(*, person: int | None = None, address: str | None = None) -> Setting[Requester]:
    """Within the block, work is for ``person`` and/or from ``address`` (the rest is kept)."""
    current = current_requester()
    return Setting(_REQUESTER, Requester(person if person is not None else current.person,
                                         address if address is not None else current.address))


class FairQueue(Generic[T]):
    """Jobs waiting for one worker; :meth:`take` hands out the fairest. Thread-safe."""

    def __init__(self, remembered: int = _REMEMBERED) -> None:
        self._lock = threading.Lock()
        # group → person → jobs; a dict keeps the order in which each started waiting
        self._waiting: dict[str, dict[int | None, deque[T]]] = {}
        # (group,) and (group, person) → the turn they were last served in
        self._last_turn: OrderedDict[tuple[object, ...], int] = OrderedDict()
        self._turn = 0
        self._remembered = remembered

    def put(self, requester: Requester, job: T) -> None:
        with self._lock:
            people = self._waiting.setdefault(requester.group, {})
            people.setdefault(requester.person, deque()).append(job)

    def take(self) -> T:
        """The next job: of the group, then the person, served least recently (never: first)."""
        with self._lock:
            group = min(self._waiting, key=lambda g: self._last_turn.get((g,), -1))
            people = self._waiting[group]
            person = min(people, key=lambda p: self._last_turn.get((group, p), -1))
            jobs = people[person]
            job = jobs.popleft()
            if not jobs:
                del people[person]
                if not people:
                    del self._waiting[group]
            self._turn += 1
            for key in ((group,), (group, person)):
                self._last_turn[key] = self._turn
                self._last_turn.move_to_end(key)
            while len(self._last_turn) > self._remembered:
                self._last_turn.popitem(last=False)
            return job

    def finished(self) -> None:
        """A job taken is done: if nobody waits, all start equal again and no address is kept."""
        with self._lock:
            if not self._waiting:
                self._last_turn.clear()

    def __len__(self) -> int:
        with self._lock:
            return sum(len(jobs) for people in self._waiting.values() for jobs in people.values())
