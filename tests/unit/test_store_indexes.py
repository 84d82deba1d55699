"""Deleting a person and finding their runs search by index, whatever the size of the tables.

SQLite's query plan says whether a statement searches an index or scans a
table; the plan of a DELETE does not show what its foreign keys and triggers
do, so those are asked for one by one: each foreign key's lookup in its child
table (what ``ON DELETE CASCADE`` and ``SET NULL`` run) and each trigger's
statement. Speed itself is measured by ``python -m bot.bench.store_cost``.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.bench.store_cost import format_figures, measure
from bot.domain.entities import Awaited
from bot.store.storage import Storage
from tests.clock import SettableClock


def plan(db: sqlite3.Connection, sql: str, parameters: tuple[object, ...] = ()) -> list[str]:
    return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


def scans(db: sqlite3.Connection, sql: str, parameters: tuple[object, ...] = ()) -> list[str]:
    """The steps of the statement's plan that read a whole table or index."""
    return [step for step in plan(db, sql, parameters) if step.startswith("SCAN")]


async def migrated(path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(path, clock)
    await storage.close()


async def test_every_foreign_key_and_trigger_a_deletion_follows_searches_an_index(
        tmp_path: Path, clock: SettableClock) -> None:
    await migrated(tmp_path / "s.db", clock)
    db = sqlite3.connect(tmp_path / "s.db")
    try:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        lookups = [f"SELECT 1 FROM {table} WHERE {key[3]} = ?"  # noqa: S608 – names from the schema
                   for table in tables for key in db.execute(f"PRAGMA foreign_key_list({table})")]
        assert len(lookups) >= 19 and "SELECT 1 FROM runs WHERE user_id = ?" in lookups
        triggers = [sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
        bodies = [re.sub(r"\bOLD\.\w+", "?", statement).strip()
                  for trigger in triggers
                  for statement in trigger.split("BEGIN", 1)[1].rsplit("END", 1)[0].split(";")
                  if statement.strip()]
        assert len(bodies) == 3
        for statement in lookups + bodies:
            assert scans(db, statement, (1,)) == [], statement
    finally:
        db.close()


async def test_deleting_a_person_and_finding_their_finished_runs_search_by_index(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "s.db", clock)
    executed: list[str] = []
    try:
        for person in (1, 2, 3):
            run = await storage.runs.start_run(person)
            await storage.runs.save_answer(run.id, "eins-01", "A", finishes=True)
            await storage.runs.start_run(person)
        await storage.people.await_input(2, Awaited.REPORT_NAME, run.id)
        await storage.database.connection.set_trace_callback(executed.append)
        await storage.runs.finished_runs(2)
        await storage.runs.latest_finished_run(2)
        await storage.runs.active_runs(2)
        await storage.people.delete(2)
        clock.advance(timedelta(days=400))
        assert await storage.people.delete_inactive(timedelta(days=365)) == 2  # the retention job
    finally:
        await storage.close()
    statements = sorted({s for s in executed if s.startswith(("SELECT", "DELETE", "UPDATE"))})
    assert any("status = 'finished'" in s for s in statements)
    assert "DELETE FROM users WHERE user_id = 2" in statements
    assert any("IFNULL(last_active_at, created_at) <" in s for s in statements)
    db = sqlite3.connect(tmp_path / "s.db")
    try:
        for statement in statements:
            assert scans(db, statement) == [], statement
    finally:
        db.close()


async def test_the_store_cost_benchmark_fills_measures_and_cleans_up(tmp_path: Path) -> None:
    figures = await measure(tmp_path, runs=800, samples=10)
    assert (figures.runs, figures.people) == (800, 400)
    assert min(figures.delete_statement_ms, figures.delete_call_ms,
               figures.retention_ms_per_person, figures.finished_runs_ms) > 0
    assert "retention per person" in format_figures([figures])
    assert list(tmp_path.iterdir()) == []
