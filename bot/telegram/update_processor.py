"""Concurrent update processing that keeps each person's updates in order, and is fair.

With PTB's default, one slow Bot API call makes everyone wait; with plain
concurrency, two quick taps of one person could overtake each other. Here
updates of different people run side by side, those of one person strictly one
after the other.

Fairness: an update first waits for its person's turn and only then takes one
of the processing slots. A person's queued updates therefore hold no slot while
they wait, and one person sending a thousand slow commands occupies one slot,
not all of them: everyone else's replies come as promptly as before (a test and
``python -m bot.bench --flood`` show it). Beyond :data:`MAX_WAITING_PER_PERSON`
a person's further updates are dropped: nobody taps that often faster than the
bot answers, so only a flood (a script, a stuck key) gets there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.flows.keyed_locks import KeyedLocks
from bot.telegram.answer_taps import tap_of
from bot.telegram.liveness import Liveness
from bot.telegram.log_limit import LimitedLog

log = logging.getLogger(__name__)

# Updates in progress at once. A person's waiting updates take no slot, so this
# bounds the number of people served at the same moment: well above the largest
# workshop (300 people tapping at the same moment); beyond it an update waits
# for a free slot. An update in progress costs about 30 KB (bench: 1,000 at
# once raise the peak memory by about 20 MB over a limit of 256).
MAX_CONCURRENT_UPDATES = 1024
# A person's updates waiting behind their own update in progress; more are dropped.
MAX_WAITING_PER_PERSON = 20


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES, *,
                 max_waiting_per_person: int = MAX_WAITING_PER_PERSON,
                 liveness: Liveness | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._people = KeyedLocks()
        self._waiting: dict[int, int] = {}  # per person: updates waiting for their turn
        self._max_waiting = max_waiting_per_person
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._liveness = liveness or Liveness()
        self._dropped = LimitedLog(log)
        self._running = 0

    # PTB marks this final; its own order (a slot first, then the person) is what fairness must
    # change, and PTB calls nothing else in between.
    async def process_update(  # type: ignore[misc]
            self, update: object, coroutine: Awaitable[object]) -> None:
        """The person's turn first, then a slot: PTB's own order (slot first) is not fair."""
        self._liveness.update_arrived()
        try:
            key = _person_of(update)
            if key is None:
                async with self._slots:
                    await self.do_process_update(update, coroutine)
                return
            if self._waiting.get(key, 0) >= self._max_waiting:
                _close(coroutine)
                self._dropped(logging.WARNING, "one person sent more than %d updates faster than "
                              "they could be answered; further ones are dropped",
                              self._max_waiting)
                return
            self._waiting[key] = self._waiting.get(key, 0) + 1
            waiting = True
            try:
                async with self._people.hold(key):
                    self._leave_waiting(key)
                    waiting = False
                    async with self._slots:
                        await self.do_process_update(update, coroutine)
            finally:
                if waiting:  # cancelled while waiting for the person's turn
                    self._leave_waiting(key)
        finally:
            self._liveness.update_done()

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        self._running += 1
        try:
            await coroutine
        finally:
            self._running -= 1

    @property
    def current_concurrent_updates(self) -> int:
        """Updates holding a slot right now (PTB's own count would read its unused semaphore)."""
        return self._running

    def _leave_waiting(self, key: int) -> None:
        self._waiting[key] -= 1
        if not self._waiting[key]:
            del self._waiting[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _close(coroutine: Awaitable[object]) -> None:
    """A dropped update's handler coroutine is closed, never awaited (no "never awaited" warning)."""
    if isinstance(coroutine, Coroutine):
        coroutine.close()


def _person_of(update: object) -> int | None:
    tap = tap_of(update)
    if tap is not None:
        return tap.person
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None
