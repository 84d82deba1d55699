"""Answers from many people at once: committed together, each confirmed only once on disk."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.bench.commit_probe import measure_commit_rate
from bot.store.storage import Storage
from tests.clock import SettableClock


async def started_runs(storage: Storage, people: int) -> list[int]:
    return [(await storage.runs.start_run(user_id)).id for user_id in range(1, people + 1)]


async def test_answers_arriving_together_share_commits_and_are_all_stored(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "s.db", clock)
    statements: list[str] = []
    await storage.database.connection.set_trace_callback(statements.append)
    try:
        runs = await started_runs(storage, 40)
        statements.clear()
        await asyncio.gather(*(storage.runs.save_answer(run, "eins-01", "B") for run in runs))
        assert [await storage.runs.answers(run) for run in runs] == [{"eins-01": "B"}] * len(runs)
        commits = statements.count("COMMIT")
        assert 1 <= commits < len(runs)
    finally:
        await storage.close()


async def test_a_failing_answer_fails_only_its_own_caller(tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "s.db", clock)
    try:
        runs = await started_runs(storage, 3)
        results = await asyncio.gather(
            storage.runs.save_answer(runs[0], "eins-01", "A"),
            storage.runs.save_answer(999, "eins-01", "A"),  # no such run: foreign key
            storage.runs.save_answer(runs[1], "eins-01", "F"),  # not on the scale: check
            storage.runs.save_answer(runs[2], "eins-01", "C", finishes=True),
            return_exceptions=True)
        assert results[0] is None and results[3] is None
        assert isinstance(results[1], sqlite3.IntegrityError)
        assert isinstance(results[2], sqlite3.IntegrityError)
        assert await storage.runs.answers(runs[0]) == {"eins-01": "A"}
        assert await storage.runs.answers(runs[1]) == {}
        finished = await storage.runs.run(runs[2])
        assert finished is not None and finished.status == "finished"
        assert (await storage.runs.run(runs[0])).status == "active"  # type: ignore[union-attr]
    finally:
        await storage.close()


async def test_an_answer_clears_the_back_cursor_and_a_repeat_overwrites(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "s.db", clock)
    try:
        run = (await storage.runs.start_run(7)).id
        await storage.runs.save_answer(run, "eins-01", "A")
        await storage.runs.set_cursor(run, "eins-01")
        await asyncio.gather(storage.runs.save_answer(run, "eins-01", "D"),
                             storage.runs.save_answer(run, "eins-02", "E"))
        assert await storage.runs.answers(run) == {"eins-01": "D", "eins-02": "E"}
        assert (await storage.runs.run(run)).cursor is None  # type: ignore[union-attr]
    finally:
        await storage.close()


async def test_close_commits_the_answers_already_accepted(tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "s.db", clock)
    runs = await started_runs(storage, 5)
    saving = [asyncio.create_task(storage.runs.save_answer(run, "eins-01", "A")) for run in runs]
    await asyncio.sleep(0)  # the saves are queued, the commit has begun
    await storage.close()
    await asyncio.gather(*saving)
    reopened = await Storage.open(tmp_path / "s.db", clock)
    try:
        assert [await reopened.runs.answers(run) for run in runs] == [{"eins-01": "A"}] * len(runs)
    finally:
        await reopened.close()


async def test_commit_rate_probe_measures_and_cleans_up(tmp_path: Path) -> None:
    assert await measure_commit_rate(tmp_path / "probe.db", 0.05) > 0
    assert list(tmp_path.iterdir()) == []


async def test_other_writes_get_their_turn_during_a_stream_of_answers(
        tmp_path: Path, clock: SettableClock) -> None:
    # Two people answer without pause, each arriving while the other's commit is under
    # way, so there is always a next batch; starting a run must not wait for the end.
    storage = await Storage.open(tmp_path / "s.db", clock)
    try:
        runs = await started_runs(storage, 2)
        keep_answering = True

        async def stream(run: int) -> int:
            count = 0
            while keep_answering:
                await storage.runs.save_answer(run, f"s-{count % 50}", "A")
                count += 1
            return count

        first = asyncio.create_task(stream(runs[0]))
        for _ in range(2):  # the first answer is queued and its commit has begun
            await asyncio.sleep(0)
        second = asyncio.create_task(stream(runs[1]))
        await asyncio.sleep(0)
        try:
            newcomer = await asyncio.wait_for(storage.runs.start_run(99), timeout=2)
        finally:
            keep_answering = False
            counts = await asyncio.gather(first, second)
        assert newcomer.active and all(count > 0 for count in counts)
    finally:
        await storage.close()


async def test_answers_committed_together_each_mark_their_run_and_respect_closed_runs(
        tmp_path: Path, clock: SettableClock) -> None:
    # The batch does what a single answer does: the answered run becomes the person's
    # current one, and a finishing answer does not reopen a run that was ended meanwhile
    # (a workshop closed while the last answer was on its way).
    storage = await Storage.open(tmp_path / "s.db", clock)
    try:
        personal = (await storage.runs.start_run(1)).id
        workshop_run = (await storage.runs.start_run(1, ("eins",), 42)).id
        other = (await storage.runs.start_run(2)).id
        await storage.runs.cancel_run(other)
        await asyncio.gather(storage.runs.save_answer(workshop_run, "eins-01", "A"),
                             storage.runs.save_answer(personal, "eins-01", "B"),
                             storage.runs.save_answer(other, "eins-01", "C", finishes=True))
        assert [r.id for r in await storage.runs.active_runs(1)][0] == personal
        ended = await storage.runs.run(other)
        assert ended is not None and ended.status == "cancelled"
        assert await storage.runs.answers(other) == {"eins-01": "C"}
    finally:
        await storage.close()


async def test_other_writes_never_run_inside_a_batch_of_answers(tmp_path: Path, clock: SettableClock) -> None:
    # One connection serves everybody: a statement sent while a batch's transaction is
    # open would be committed or rolled back with it. Changing an answer, naming the
    # municipality and joining a workshop arrive while answers are being committed.
    storage = await Storage.open(tmp_path / "s.db", clock)
    statements: list[str] = []
    await storage.database.connection.set_trace_callback(statements.append)
    try:
        runs = await started_runs(storage, 20)
        await storage.runs.save_answer(runs[0], "eins-01", "A")
        await storage.workshops.start_draft(1, "Musterstadt", ("eins",))
        workshop = await storage.workshops.create(1, "AbCdEfGhIjKlMnOpQrSt_-", None)
        assert workshop is not None
        statements.clear()

        async def once_a_batch_is_open(write: Awaitable[object]) -> object:
            async with asyncio.timeout(5):
                while not storage.database.connection.in_transaction:
                    await asyncio.sleep(0)
            return await write

        await asyncio.gather(
            *(storage.runs.save_answer(run, "eins-02", "B") for run in runs),
            once_a_batch_is_open(storage.runs.change_answer(runs[0], "eins-01", "D")),
            once_a_batch_is_open(storage.people.set_municipality_name(3, "Musterstadt")),
            once_a_batch_is_open(storage.workshops.join(workshop.id, 4)),
            *(storage.runs.save_answer(run, "eins-03", "C") for run in runs[1:]))
        transactions: list[list[str]] = []
        inside = False
        for statement in statements:
            if statement.startswith("BEGIN"):
                inside = True
                transactions.append([])
            elif statement in ("COMMIT", "ROLLBACK"):
                inside = False
            elif inside:
                transactions[-1].append(statement)
        batches = [t for t in transactions if t and t[0].startswith("INSERT INTO answers")]
        assert batches
        for batch in batches:
            for statement in batch:
                assert statement.startswith((  # the answers' own writes, the name wait they end
                    "INSERT INTO answers", "UPDATE runs", "UPDATE users SET current_run",
                    "DELETE FROM pending_inputs WHERE awaited = 'report_name'")), statement
        assert await storage.runs.answers(runs[0]) == {"eins-01": "D", "eins-02": "B"}
        assert (await storage.people.municipality_name(3)).name == "Musterstadt"  # type: ignore[union-attr]
        assert await storage.workshops.participant_ids(workshop.id) == [4]
    finally:
        await storage.close()


async def test_a_transaction_whose_commit_fails_is_rolled_back(tmp_path: Path, clock: SettableClock) -> None:
    # With deferred foreign keys the violation surfaces only at COMMIT. The transaction
    # must not stay open, or the next person's writes would silently become part of it.
    storage = await Storage.open(tmp_path / "s.db", clock)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with storage.database.transaction() as db:
                await db.execute("PRAGMA defer_foreign_keys = ON")
                await db.execute("INSERT INTO workshop_participants"
                                 " (workshop_id, user_id, joined_at) VALUES (999, 999, 'now')")
        assert not storage.database.connection.in_transaction
        run = await storage.runs.start_run(5)
        await storage.runs.save_answer(run.id, "eins-01", "A")
        assert await storage.runs.answers(run.id) == {"eins-01": "A"}
    finally:
        await storage.close()


async def test_activity_is_written_once_a_day_per_person(tmp_path: Path, clock: SettableClock) -> None:
    clock.set(datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc))
    storage = await Storage.open(tmp_path / "s.db", clock)
    statements: list[str] = []
    await storage.database.connection.set_trace_callback(statements.append)
    try:
        await storage.runs.start_run(7)  # the person is created, active at 18:00
        clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc))
        statements.clear()
        for _ in range(5):  # many taps on one day
            await storage.people.touch(7)
            clock.advance(timedelta(minutes=1))
        assert sum(s.startswith("UPDATE users SET last_active_at") for s in statements) == 1
        clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc))
        await storage.people.touch(7)  # the next day: noted again
        assert sum(s.startswith("UPDATE users SET last_active_at") for s in statements) == 2
        async with storage.database.connection.execute("SELECT last_active_at FROM users") as cursor:
            (stored,) = await cursor.fetchone()
        assert stored == "2026-11-26T08:00:00+00:00"
    finally:
        await storage.close()
