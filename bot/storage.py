"""All persistence: the SQLite schema, its migrations and every query.

One database file in WAL mode, so readers never block the writer and a commit
is a single append. Each write method commits before it returns: the bot only
confirms an answer to the person after the answer is on disk, so a crash can
never lose something the person has seen acknowledged.

Migrations are numbered SQL scripts applied in order and recorded in
``PRAGMA user_version``; a released migration is never edited, only followed
by a new one.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import aiosqlite

MIGRATIONS: tuple[str, ...] = (
    # 1: people, their runs through the questionnaire and their answers.
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,       -- Telegram user id
        created_at  TEXT NOT NULL
    );
    CREATE TABLE runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        workshop_id  INTEGER,                  -- NULL for a personal self-check
        field_ids    TEXT,                     -- comma-separated selection, NULL = all fields
        status       TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'finished', 'cancelled')),
        cursor       TEXT,                     -- statement shown after "Zurück", else NULL
        started_at   TEXT NOT NULL,
        finished_at  TEXT
    );
    CREATE UNIQUE INDEX runs_one_active
        ON runs(user_id, IFNULL(workshop_id, 0)) WHERE status = 'active';
    CREATE TABLE answers (
        run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        statement_id  TEXT NOT NULL,
        choice        TEXT NOT NULL CHECK (choice IN ('A', 'B', 'C', 'D', 'E')),
        answered_at   TEXT NOT NULL,
        PRIMARY KEY (run_id, statement_id)
    ) WITHOUT ROWID;
    """,
    # 2: the municipality's name for the printable report, asked once per person.
    """
    CREATE TABLE municipality_names (
        user_id         INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        name            TEXT,                  -- NULL: no name (skipped or removed)
        decided_at      TEXT,                  -- when the person gave or skipped it; NULL: not yet
        awaiting_since  TEXT,                  -- the next message is the name, if it comes soon
        report_run_id   INTEGER REFERENCES runs(id) ON DELETE SET NULL  -- report to send then
    );
    """,
)


class StorageError(Exception):
    """The database file cannot be opened or has a schema this version does not know."""


@dataclass(frozen=True)
class MunicipalityName:
    """The name for the report's title page, and whether the bot is waiting for it."""

    name: str | None
    decided: bool  # given or skipped at least once: the bot does not ask on its own again
    awaiting_since: str | None
    report_run_id: int | None


@dataclass(frozen=True)
class Run:
    id: int
    user_id: int
    workshop_id: int | None
    field_ids: tuple[str, ...] | None
    status: str
    cursor: str | None
    started_at: str
    finished_at: str | None

    @property
    def active(self) -> bool:
        return self.status == "active"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _run_from_row(row: aiosqlite.Row) -> Run:
    field_ids = tuple(row["field_ids"].split(",")) if row["field_ids"] else None
    return Run(id=row["id"], user_id=row["user_id"], workshop_id=row["workshop_id"],
               field_ids=field_ids, status=row["status"], cursor=row["cursor"],
               started_at=row["started_at"], finished_at=row["finished_at"])


class Storage:
    """The one gateway to the database; create it with :meth:`open`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        # One connection serves every coroutine: a statement issued while another
        # coroutine's transaction is open would silently join it, so all writes
        # take this lock.
        self._write_lock = asyncio.Lock()

    async def _write(self, sql: str, parameters: tuple[object, ...]) -> None:
        async with self._write_lock:
            await self._db.execute(sql, parameters)

    @classmethod
    async def open(cls, path: str | Path) -> Storage:
        # A failed aiosqlite.connect leaves its worker thread to report into a
        # possibly closed event loop, so find out first, synchronously and once.
        try:
            sqlite3.connect(path).close()
        except sqlite3.Error as error:
            raise StorageError(f"Datenbank {path} lässt sich nicht öffnen: {error}") from None
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        storage = cls(connection)
        try:
            await storage._configure()
            await storage._migrate()
        except Exception as error:
            await connection.close()
            if isinstance(error, StorageError):
                raise
            raise StorageError(f"Datenbank {path} ist nicht nutzbar: {error}") from None
        return storage

    async def close(self) -> None:
        await self._db.close()

    async def _configure(self) -> None:
        await self._db.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode keeps every commit across a process crash or kill;
        # only a power cut may lose the last commits.
        await self._db.execute("PRAGMA synchronous = NORMAL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        await self._db.execute("PRAGMA busy_timeout = 5000")

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(MIGRATIONS):
            raise StorageError(
                f"Datenbankschema Version {version} ist neuer als diese Programmversion "
                f"({len(MIGRATIONS)})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    # --- people and runs -------------------------------------------------------

    async def ensure_user(self, user_id: int) -> None:
        await self._write(
            "INSERT INTO users (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (user_id, _now()))

    async def run(self, run_id: int) -> Run | None:
        async with self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)) as cursor:
            row = await cursor.fetchone()
        return _run_from_row(row) if row else None

    async def active_run(self, user_id: int, workshop_id: int | None = None) -> Run | None:
        async with self._db.execute(
                "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'active'",
                (user_id, workshop_id)) as cursor:
            row = await cursor.fetchone()
        return _run_from_row(row) if row else None

    async def finished_runs(self, user_id: int, workshop_id: int | None = None) -> list[Run]:
        """The person's finished runs, newest first."""
        async with self._db.execute(
                "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'finished'"
                " ORDER BY id DESC", (user_id, workshop_id)) as cursor:
            rows = await cursor.fetchall()
        return [_run_from_row(row) for row in rows]

    async def start_run(self, user_id: int, field_ids: Iterable[str] | None = None,
                        workshop_id: int | None = None) -> Run:
        """Start a run, or return the one already active (a repeated tap starts nothing new)."""
        await self.ensure_user(user_id)
        selection = ",".join(field_ids) if field_ids is not None else None
        await self._write(
            "INSERT INTO runs (user_id, workshop_id, field_ids, started_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING", (user_id, workshop_id, selection, _now()))
        run = await self.active_run(user_id, workshop_id)
        assert run is not None, "an active run exists after insert-or-ignore"
        return run

    async def set_cursor(self, run_id: int, statement_id: str | None) -> None:
        await self._write("UPDATE runs SET cursor = ? WHERE id = ?", (statement_id, run_id))

    async def cancel_run(self, run_id: int) -> None:
        await self._write(
            "UPDATE runs SET status = 'cancelled', cursor = NULL, finished_at = ?"
            " WHERE id = ? AND status = 'active'", (_now(), run_id))

    # --- answers ---------------------------------------------------------------

    async def answers(self, run_id: int) -> dict[str, str]:
        async with self._db.execute(
                "SELECT statement_id, choice FROM answers WHERE run_id = ?", (run_id,)) as cursor:
            rows = await cursor.fetchall()
        return {row["statement_id"]: row["choice"] for row in rows}

    async def save_answer(self, run_id: int, statement_id: str, choice: str, *,
                          finishes: bool = False) -> None:
        """Store an answer, clear the "Zurück" cursor and, with ``finishes``, close the run.

        One transaction, committed before returning: the caller may confirm
        the answer as soon as this returns.
        """
        now = _now()
        async with self._write_lock:
            await self._transaction_save_answer(run_id, statement_id, choice, finishes, now)

    async def _transaction_save_answer(self, run_id: int, statement_id: str, choice: str,
                                       finishes: bool, now: str) -> None:
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            await self._db.execute(
                "INSERT INTO answers (run_id, statement_id, choice, answered_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (run_id, statement_id)"
                " DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at",
                (run_id, statement_id, choice, now))
            if finishes:
                await self._db.execute(
                    "UPDATE runs SET cursor = NULL, status = 'finished', finished_at = ?"
                    " WHERE id = ?", (now, run_id))
            else:
                await self._db.execute("UPDATE runs SET cursor = NULL WHERE id = ?", (run_id,))
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    # --- results: comparison, changed answers, the municipality's name ------------

    async def previous_finished_run(self, run: Run) -> Run | None:
        """The same person's last finished run before ``run`` (never somebody else's)."""
        async with self._db.execute(
                "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'finished'"
                " AND id < ? ORDER BY id DESC LIMIT 1",
                (run.user_id, run.workshop_id, run.id)) as cursor:
            row = await cursor.fetchone()
        return _run_from_row(row) if row else None

    async def change_answer(self, run_id: int, statement_id: str, choice: str) -> bool:
        """Change an answer already given; the run's status and cursor stay as they are.

        Returns whether there was such an answer: a review never answers an
        open statement, so it cannot finish a run behind the person's back.
        """
        async with self._write_lock:
            async with self._db.execute(
                    "UPDATE answers SET choice = ?, answered_at = ?"
                    " WHERE run_id = ? AND statement_id = ?",
                    (choice, _now(), run_id, statement_id)) as cursor:
                return cursor.rowcount > 0

    async def municipality_name(self, user_id: int) -> MunicipalityName | None:
        async with self._db.execute(
                "SELECT * FROM municipality_names WHERE user_id = ?", (user_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return MunicipalityName(name=row["name"], decided=row["decided_at"] is not None,
                                awaiting_since=row["awaiting_since"],
                                report_run_id=row["report_run_id"])

    async def await_municipality_name(self, user_id: int, report_run_id: int | None) -> None:
        """Remember that the person's next message is the name (kept across restarts)."""
        await self.ensure_user(user_id)
        await self._write(
            "INSERT INTO municipality_names (user_id, awaiting_since, report_run_id)"
            " VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " awaiting_since = excluded.awaiting_since, report_run_id = excluded.report_run_id",
            (user_id, _now(), report_run_id))

    async def set_municipality_name(self, user_id: int, name: str | None) -> None:
        """Store the name (``None``: none), and stop waiting for it."""
        await self.ensure_user(user_id)
        await self._write(
            "INSERT INTO municipality_names (user_id, name, decided_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
            " decided_at = excluded.decided_at, awaiting_since = NULL, report_run_id = NULL",
            (user_id, name, _now()))

    async def stop_awaiting_municipality_name(self, user_id: int) -> None:
        await self._write(
            "UPDATE municipality_names SET awaiting_since = NULL, report_run_id = NULL"
            " WHERE user_id = ?", (user_id,))
