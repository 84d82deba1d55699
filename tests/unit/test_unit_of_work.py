"""One use case, one commit: a unit of work writes everything or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.storage import Storage
from tests.clock import SettableClock


async def rows(storage: Storage, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await storage.database.rows(sql)]


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(tmp_path / "u.db", SettableClock())
    yield opened
    await opened.close()


async def test_a_unit_commits_its_writes_once(storage: Storage) -> None:
    statements: list[str] = []
    await storage.database.connection.set_trace_callback(statements.append)
    async with storage.unit_of_work():
        run, created = await storage.runs.open_run(1)  # a person, their run, their current run
        await storage.runs.set_cursor(run.id, "eins-02")
        await storage.people.set_live_statement(1, 42)
    assert created and statements.count("COMMIT") == 1
    assert await rows(storage, "SELECT user_id, current_run FROM users") == [(1, run.id)]
    assert await storage.people.live_statement(1) == 42


async def test_a_unit_that_raises_writes_nothing(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.unit_of_work():
            await storage.runs.open_run(1)
            await storage.workshops.start_draft(1, "Musterstadt", ("eins",))
            raise RuntimeError("between two steps")
    assert await rows(storage, "SELECT * FROM users") == []
    assert await rows(storage, "SELECT * FROM runs") == []
    assert await storage.workshops.draft(1) is None


async def test_a_block_that_fails_inside_a_unit_undoes_only_itself(storage: Storage) -> None:
    """A store method that catches its own error keeps working as a transaction would."""
    async with storage.unit_of_work():
        await storage.people.ensure_user(1)
        with pytest.raises(RuntimeError):
            async with storage.database.transaction() as db:
                await db.execute("INSERT INTO users (user_id, created_at) VALUES (2, 'x')")
                raise RuntimeError("inner")
    assert await rows(storage, "SELECT user_id FROM users") == [(1,)]


async def test_an_answer_inside_a_unit_commits_with_it(storage: Storage) -> None:
    run = await storage.runs.start_run(1)
    with pytest.raises(RuntimeError):
        async with storage.unit_of_work():
            await storage.runs.save_answer(run.id, "eins-01", "B")  # no wait for a batch
            raise RuntimeError("after the answer")
    assert await storage.runs.answers(run.id) == {}
    async with storage.unit_of_work():
        await storage.runs.save_answer(run.id, "eins-01", "B")
    assert await storage.runs.answers(run.id) == {"eins-01": "B"}


async def test_other_writers_wait_for_the_unit_and_never_join_it(storage: Storage) -> None:
    entered, leave = asyncio.Event(), asyncio.Event()

    async def use_case() -> None:
        async with storage.unit_of_work():
            await storage.people.ensure_user(1)
            entered.set()
            await leave.wait()
            raise RuntimeError("rolled back")

    unit = asyncio.create_task(use_case())
    await entered.wait()
    other = asyncio.create_task(storage.people.ensure_user(2))
    await asyncio.sleep(0.05)
    assert not other.done()  # waits for the write lock
    leave.set()
    with pytest.raises(RuntimeError):
        await unit
    await other
    assert await rows(storage, "SELECT user_id FROM users") == [(2,)]


async def test_deleting_inside_a_unit_checkpoints_after_the_commit(storage: Storage) -> None:
    await storage.runs.start_run(1)
    statements: list[str] = []
    await storage.database.connection.set_trace_callback(statements.append)
    async with storage.unit_of_work():
        assert await storage.people.delete(1)
        assert not any("wal_checkpoint" in s for s in statements)
    assert statements.index("COMMIT") < next(i for i, s in enumerate(statements)
                                             if "wal_checkpoint" in s)
    assert await rows(storage, "SELECT * FROM runs") == []
