"""Concurrent update processing that keeps each person's updates in order.

With PTB's default, one slow Bot API call makes everyone wait; with plain
concurrency, two quick taps of one person could overtake each other. Here
updates of different people run side by side, those of one person strictly one
after the other.
"""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.flows.keyed_locks import KeyedLocks
from bot.telegram.answer_taps import person_of, raw_tap

# Updates in progress at once. A person's queued taps each hold a slot while they
# wait for the one before, so this is well above the largest workshop (300
# people tapping at the same moment, some of them twice); beyond it an update
# waits for a free slot. An update in progress costs about 30 KB (bench: 1,000 at
# once raise the peak memory by about 20 MB over a limit of 256).
MAX_CONCURRENT_UPDATES = 1024


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._people = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = _person_of(update)
        if key is None:
            await coroutine
            return
        async with self._people.hold(key):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _person_of(update: object) -> int | None:
    raw = raw_tap(update)
    if raw is not None:
        return person_of(raw)
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None
