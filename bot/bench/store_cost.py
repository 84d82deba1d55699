"""``python -m bot.bench.store_cost``: what deleting a person costs as the database grows.

Fills a scratch database with people, their runs and answers, workshops with
participants, pending inputs and browser sessions, then times through the store:
deleting one person ("löschen": the statement with its cascades, and the whole call
with the checkpoint that takes the deleted rows out of the write-ahead log), the
retention job per person it deletes, and finding a person's finished runs (on
/start, /weiter, /ergebnis and /bericht). Each size gets a fresh database; the
figures should stay flat from one size to the next.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.clock import SystemClock
from bot.store.connection import timestamp
from bot.store.storage import Storage

RUNS_PER_PERSON = 2  # a finished personal run and a second one, active or in a workshop
ANSWERS_PER_RUN = 5
PEOPLE_PER_WORKSHOP = 100
RETENTION = timedelta(days=365)


@dataclass(frozen=True)
class Figures:
    runs: int
    people: int
    delete_statement_ms: float  # median of DELETE FROM users with its cascades
    delete_call_ms: float  # median of Storage.people.delete: the statement and the checkpoint
    retention_ms_per_person: float
    finished_runs_ms: float  # median of Storage.runs.finished_runs


def fill(path: Path, runs: int, now: datetime, seed: int = 1) -> int:
    """``runs`` runs of ``runs // 2`` people, active within the last year; returns the people."""
    people = runs // RUNS_PER_PERSON
    rng = random.Random(seed)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        active_at = [timestamp(now - timedelta(days=rng.uniform(1, 360))) for _ in range(people)]
        db.executemany("INSERT INTO users (user_id, created_at, last_active_at) VALUES (?, ?, ?)",
                       [(person, active_at[person - 1], active_at[person - 1])
                        for person in range(1, people + 1)])
        workshops = max(people // (PEOPLE_PER_WORKSHOP * 4), 1)  # a quarter of people join one
        db.executemany("INSERT INTO workshops (id, token, municipality, created_by, created_at)"
                       " VALUES (?, ?, 'Musterstadt', ?, ?)",
                       [(w, f"token-{w}", w, active_at[w - 1]) for w in range(1, workshops + 1)])
        run_rows: list[tuple[object, ...]] = []
        answer_rows: list[tuple[object, ...]] = []
        participants: list[tuple[object, ...]] = []
        run_id = 0
        for person in range(1, people + 1):
            at = active_at[person - 1]
            workshop = (person % workshops) + 1 if person % 4 == 0 else None
            if workshop is not None:
                participants.append((workshop, person, "politik", at))
            for second in (False, True):
                run_id += 1
                status = "finished" if not second else ("finished" if person % 3 else "active")
                run_rows.append((run_id, person, workshop if second else None, status, at,
                                 at if status == "finished" else None))
                answer_rows.extend((run_id, f"s-{n:02d}", "ABCDE"[n % 5], at)
                                   for n in range(ANSWERS_PER_RUN))
        db.executemany("INSERT INTO runs (id, user_id, workshop_id, status, started_at, finished_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)", run_rows)
        db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", answer_rows)
        db.executemany("INSERT INTO workshop_participants VALUES (?, ?, ?, ?)", participants)
        # each person's second run is their current one (set by key: the schema before
        # migration 9 has no index to find a person's runs by)
        db.executemany("UPDATE users SET current_run = ? WHERE user_id = ?",
                       [(person * RUNS_PER_PERSON, person) for person in range(1, people + 1)])
        until = timestamp(now + timedelta(hours=24))
        db.executemany("INSERT INTO pending_inputs (user_id, awaited, run_id, since, until)"
                       " VALUES (?, 'report_name', ?, ?, ?)",
                       [(person, person * RUNS_PER_PERSON, timestamp(now), until)
                        for person in range(10, people + 1, 10)])
        db.executemany("INSERT INTO web_sessions (token_hash, user_id, created_at)"
                       " VALUES (?, ?, ?)",
                       [(person.to_bytes(32, "big"), person, timestamp(now))
                        for person in range(7, people + 1, 7)])
    return people


async def _median_ms(call: Callable[[int], Awaitable[object]], people: list[int]) -> float:
    """The median time of ``call`` for each of ``people``, one after another."""
    times = []
    for person in people:
        start = time.perf_counter()
        await call(person)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def measure(directory: Path, runs: int, samples: int) -> Figures:
    clock = SystemClock()
    path = directory / f"store-{runs}.db"
    storage = await Storage.open(path, clock)  # the schema, migrated
    await storage.close()
    people = fill(path, runs, clock.now())
    storage = await Storage.open(path, clock)
    try:
        chosen = random.Random(2).sample(range(people // 2, people + 1), 3 * samples)
        statement, call, expired = chosen[:samples], chosen[samples:2 * samples], chosen[2 * samples:]
        finished_ms = await _median_ms(storage.runs.finished_runs, call)
        statement_ms = await _median_ms(
            lambda person: storage.database.write("DELETE FROM users WHERE user_id = ?", (person,)),
            statement)
        call_ms = await _median_ms(storage.people.delete, call)
        long_ago = timestamp(clock.now() - RETENTION - timedelta(days=1))
        await storage.database.connection.executemany(
            "UPDATE users SET last_active_at = ? WHERE user_id = ?",
            [(long_ago, person) for person in expired])
        start = time.perf_counter()
        deleted = await storage.people.delete_inactive(RETENTION)
        retention_ms = (time.perf_counter() - start) * 1000
        assert deleted == len(expired), (deleted, len(expired))
    finally:
        await storage.close()
        for leftover in directory.glob(f"{path.name}*"):
            leftover.unlink()
    return Figures(runs=runs, people=people, delete_statement_ms=statement_ms,
                   delete_call_ms=call_ms, retention_ms_per_person=retention_ms / len(expired),
                   finished_runs_ms=finished_ms)


def format_figures(figures: list[Figures]) -> str:
    lines = ["runs     people   delete (statement)  delete (with checkpoint)  retention per person"
             "  finished runs"]
    lines += [f"{f.runs:>7,}  {f.people:>7,}  {f.delete_statement_ms:>15.3f} ms"
              f"  {f.delete_call_ms:>21.3f} ms  {f.retention_ms_per_person:>17.3f} ms"
              f"  {f.finished_runs_ms:>10.3f} ms" for f in figures]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.store_cost", description=__doc__)
    parser.add_argument("--runs", type=int, nargs="+", default=[10_000, 100_000],
                        help="database sizes in runs, each a fresh database (default %(default)s)")
    parser.add_argument("--samples", type=int, default=100,
                        help="people deleted per figure, and expired for the retention job "
                             "(default %(default)s)")
    parser.add_argument("--dir", type=Path, default=Path("."),
                        help="where to put the scratch database, ideally the file system of "
                             "the real database (default: the working directory)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="selbstcheck-store-", dir=args.dir) as tmp:
        figures = [asyncio.run(measure(Path(tmp), runs, args.samples)) for runs in args.runs]
    print(format_figures(figures))


if __name__ == "__main__":
    main()
