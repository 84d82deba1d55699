"""Per-key locks: one key strictly in order, different keys side by side, nothing left behind."""

from __future__ import annotations

import asyncio

from bot.flows.keyed_locks import KeyedLocks


async def test_same_key_in_order_other_keys_alongside_and_forgotten_afterwards() -> None:
    locks = KeyedLocks()
    events: list[str] = []
    anna_may_finish = asyncio.Event()

    async def work(key: int, name: str, wait: asyncio.Event | None = None) -> None:
        async with locks.hold(key):
            events.append(f"{name} in")
            if wait is not None:
                await wait.wait()
            events.append(f"{name} out")

    first = asyncio.create_task(work(1, "anna-1", anna_may_finish))
    second = asyncio.create_task(work(1, "anna-2"))
    await asyncio.sleep(0)
    await work(2, "ben")  # Ben does not wait for Anna
    assert events == ["anna-1 in", "ben in", "ben out"]
    assert len(locks) == 1  # Anna's lock: held and waited for
    anna_may_finish.set()
    await asyncio.gather(first, second)
    assert events[3:] == ["anna-1 out", "anna-2 in", "anna-2 out"]
    assert len(locks) == 0


async def test_a_failing_holder_releases_the_key() -> None:
    locks = KeyedLocks()
    try:
        async with locks.hold("x"):
            raise ValueError("boom")
    except ValueError:
        pass
    async with locks.hold("x"):
        assert len(locks) == 1
    assert len(locks) == 0
