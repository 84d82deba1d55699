"""Answers from many people at once: committed together, each confirmed only once on disk."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.storage import Storage, measure_commit_rate


async def started_runs(storage: Storage, people: int) -> list[int]:
    return [(await storage.start_run(user_id)).id for user_id in range(1, people + 1)]


async def test_answers_arriving_together_share_commits_and_are_all_stored(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "s.db")
    statements: list[str] = []
    await storage._db.set_trace_callback(statements.append)
    try:
        runs = await started_runs(storage, 40)
        statements.clear()
        await asyncio.gather(*(storage.save_answer(run, "eins-01", "B") for run in runs))
        assert [await storage.answers(run) for run in runs] == [{"eins-01": "B"}] * len(runs)
        commits = statements.count("COMMIT")
        assert 1 <= commits < len(runs)
    finally:
        await storage.close()


async def test_a_failing_answer_fails_only_its_own_caller(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "s.db")
    try:
        runs = await started_runs(storage, 3)
        results = await asyncio.gather(
            storage.save_answer(runs[0], "eins-01", "A"),
            storage.save_answer(999, "eins-01", "A"),  # no such run: foreign key
            storage.save_answer(runs[1], "eins-01", "F"),  # not on the scale: check
            storage.save_answer(runs[2], "eins-01", "C", finishes=True),
            return_exceptions=True)
        assert results[0] is None and results[3] is None
        assert isinstance(results[1], sqlite3.IntegrityError)
        assert isinstance(results[2], sqlite3.IntegrityError)
        assert await storage.answers(runs[0]) == {"eins-01": "A"}
        assert await storage.answers(runs[1]) == {}
        finished = await storage.run(runs[2])
        assert finished is not None and finished.status == "finished"
        assert (await storage.run(runs[0])).status == "active"  # type: ignore[union-attr]
    finally:
        await storage.close()


async def test_an_answer_clears_the_back_cursor_and_a_repeat_overwrites(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "s.db")
    try:
        run = (await storage.start_run(7)).id
        await storage.save_answer(run, "eins-01", "A")
        await storage.set_cursor(run, "eins-01")
        await asyncio.gather(storage.save_answer(run, "eins-01", "D"),
                             storage.save_answer(run, "eins-02", "E"))
        assert await storage.answers(run) == {"eins-01": "D", "eins-02": "E"}
        assert (await storage.run(run)).cursor is None  # type: ignore[union-attr]
    finally:
        await storage.close()


async def test_close_commits_the_answers_already_accepted(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "s.db")
    runs = await started_runs(storage, 5)
    saving = [asyncio.create_task(storage.save_answer(run, "eins-01", "A")) for run in runs]
    await asyncio.sleep(0)  # the saves are queued, the commit has begun
    await storage.close()
    await asyncio.gather(*saving)
    reopened = await Storage.open(tmp_path / "s.db")
    try:
        assert [await reopened.answers(run) for run in runs] == [{"eins-01": "A"}] * len(runs)
    finally:
        await reopened.close()


async def test_commit_rate_probe_measures_and_cleans_up(tmp_path: Path) -> None:
    assert await measure_commit_rate(tmp_path / "probe.db", 0.05) > 0
    assert list(tmp_path.iterdir()) == []


async def test_other_writes_get_their_turn_during_a_stream_of_answers(tmp_path: Path) -> None:
    # Two people answer without pause, each arriving while the other's commit is under
    # way, so there is always a next batch; starting a run must not wait for the end.
    storage = await Storage.open(tmp_path / "s.db")
    try:
        runs = await started_runs(storage, 2)
        keep_answering = True

        async def stream(run: int) -> int:
            count = 0
            while keep_answering:
                await storage.save_answer(run, f"s-{count % 50}", "A")
                count += 1
            return count

        first = asyncio.create_task(stream(runs[0]))
        for _ in range(2):  # the first answer is queued and its commit has begun
            await asyncio.sleep(0)
        second = asyncio.create_task(stream(runs[1]))
        await asyncio.sleep(0)
        try:
            newcomer = await asyncio.wait_for(storage.start_run(99), timeout=2)
        finally:
            keep_answering = False
            counts = await asyncio.gather(first, second)
        assert newcomer.active and all(count > 0 for count in counts)
    finally:
        await storage.close()
