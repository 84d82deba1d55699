"""All persistence: the SQLite schema, its migrations and every query.

One database file in WAL mode, so readers never block the writer and a commit
is a single append. Each write method commits before it returns: the bot only
confirms an answer to the person after the answer is on disk, so a crash can
never lose something the person has seen acknowledged.

Migrations are numbered SQL scripts applied in order and recorded in
``PRAGMA user_version``; a released migration is never edited, only followed
by a new one.

Everything about a person hangs off their ``users`` row with ``ON DELETE
CASCADE`` (foreign keys are switched on for every connection), so deleting
that row deletes them completely. Operators' commands (backup, health) use
plain sqlite3 below, outside the bot's event loop.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
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
    # 2: reliability and privacy. ``last_active_at`` drives the retention period
    # (back-filled from the newest stored activity); ``heartbeat`` is the health
    # signal: one row, rewritten by the running bot.
    """
    ALTER TABLE users ADD COLUMN last_active_at TEXT;
    UPDATE users SET last_active_at = MAX(
        created_at,
        IFNULL((SELECT MAX(MAX(r.started_at, IFNULL(r.finished_at, ''))) FROM runs r
                WHERE r.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(a.answered_at) FROM answers a JOIN runs r ON r.id = a.run_id
                WHERE r.user_id = users.user_id), ''));
    CREATE INDEX users_last_active ON users(last_active_at);
    CREATE TABLE heartbeat (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        beat_at  TEXT NOT NULL
    );
    """,
)


class StorageError(Exception):
    """The database file cannot be opened or has a schema this version does not know."""


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
    return _timestamp(datetime.now(timezone.utc))


def _timestamp(moment: datetime) -> str:
    """The one text form of a point in time in the database; it sorts chronologically."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _run_from_row(row: aiosqlite.Row) -> Run:
    field_ids = tuple(row["field_ids"].split(",")) if row["field_ids"] else None
    return Run(id=row["id"], user_id=row["user_id"], workshop_id=row["workshop_id"],
               field_ids=field_ids, status=row["status"], cursor=row["cursor"],
               started_at=row["started_at"], finished_at=row["finished_at"])


def _probe(path: str | Path) -> None:
    sqlite3.connect(path).close()


class Storage:
    """The one gateway to the database; create it with :meth:`open`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        # One connection serves every coroutine: a statement issued while another
        # coroutine's transaction is open would silently join it, so all writes
        # take this lock.
        self._write_lock = asyncio.Lock()

    async def _write(self, sql: str, parameters: tuple[object, ...]) -> int:
        """Run one write statement (committed at once) and return how many rows it changed."""
        async with self._write_lock:
            cursor = await self._db.execute(sql, parameters)
            changed = cursor.rowcount
            await cursor.close()
            return changed

    @classmethod
    async def open(cls, path: str | Path) -> Storage:
        try:
            # Probe with plain sqlite3 first: when aiosqlite fails to connect, its
            # worker thread reports back to an event loop that may be gone by then
            # and prints a traceback from the thread.
            await asyncio.to_thread(_probe, path)
            connection = await aiosqlite.connect(path, isolation_level=None)
        except Exception as error:  # sqlite3 raises OperationalError, aiosqlite may wrap it
            raise StorageError(f"Datenbank {path} lässt sich nicht öffnen: {error}") from None
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
        now = _now()
        await self._write(
            "INSERT INTO users (user_id, created_at, last_active_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (user_id, now, now))

    async def has_user(self, user_id: int) -> bool:
        async with self._db.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)) as cursor:
            return await cursor.fetchone() is not None

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
        run, _ = await self.open_run(user_id, field_ids, workshop_id)
        return run

    async def open_run(self, user_id: int, field_ids: Iterable[str] | None = None,
                       workshop_id: int | None = None) -> tuple[Run, bool]:
        """Like :meth:`start_run`, and say whether this call created the run.

        Two racing taps can both get here; the unique index lets exactly one
        insert win, so exactly one of them learns ``True``.
        """
        await self.ensure_user(user_id)
        selection = ",".join(field_ids) if field_ids is not None else None
        created = await self._write(
            "INSERT INTO runs (user_id, workshop_id, field_ids, started_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING", (user_id, workshop_id, selection, _now()))
        run = await self.active_run(user_id, workshop_id)
        assert run is not None, "an active run exists after insert-or-ignore"
        return run, created > 0

    async def set_cursor(self, run_id: int, statement_id: str | None) -> None:
        await self._write("UPDATE runs SET cursor = ? WHERE id = ?", (statement_id, run_id))

    async def cancel_run(self, run_id: int) -> None:
        await self._write(
            "UPDATE runs SET status = 'cancelled', cursor = NULL, finished_at = ?"
            " WHERE id = ? AND status = 'active'", (_now(), run_id))

    async def finish_run(self, run_id: int) -> None:
        """Close a run that has nothing left to answer (e.g. after a questionnaire update)."""
        await self._write(
            "UPDATE runs SET status = 'finished', cursor = NULL, finished_at = ?"
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

    # --- privacy -----------------------------------------------------------------

    async def touch_user(self, user_id: int, now: datetime | None = None) -> None:
        """Note that a known person was active today; at most one write per person and day."""
        moment = now or datetime.now(timezone.utc)
        day_start = moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0,
                                                            microsecond=0)
        await self._write(
            "UPDATE users SET last_active_at = ? WHERE user_id = ?"
            " AND (last_active_at IS NULL OR last_active_at < ?)",
            (_timestamp(moment), user_id, _timestamp(day_start)))

    async def delete_user(self, user_id: int) -> bool:
        """Delete a person and, by ``ON DELETE CASCADE``, everything that refers to them."""
        return await self._write("DELETE FROM users WHERE user_id = ?", (user_id,)) > 0

    async def delete_inactive_users(self, inactive_for: timedelta,
                                    now: datetime | None = None) -> int:
        """Delete everyone whose last activity is older than ``inactive_for``; return how many."""
        cutoff = (now or datetime.now(timezone.utc)) - inactive_for
        return await self._write(
            "DELETE FROM users WHERE IFNULL(last_active_at, created_at) < ?", (_timestamp(cutoff),))

    # --- operations ----------------------------------------------------------------

    async def beat(self, now: datetime | None = None) -> None:
        """Record that the running bot is alive and can write to its database."""
        moment = _timestamp(now or datetime.now(timezone.utc))
        await self._write(
            "INSERT INTO heartbeat (id, beat_at) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at", (moment,))


def last_heartbeat(path: str | Path) -> datetime | None:
    """The running bot's last heartbeat, read without changing the file (for health checks)."""
    if not Path(path).is_file():
        raise StorageError(f"Datenbank {path} gibt es nicht")
    try:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=5)
        try:
            row = connection.execute("SELECT beat_at FROM heartbeat WHERE id = 1").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise StorageError(f"Datenbank {path} ist nicht lesbar: {error}") from None
    return datetime.fromisoformat(row[0]) if row else None


def backup_database(source: str | Path, target: str | Path) -> None:
    """Copy the database with SQLite's online backup API, safe while the bot writes.

    The copy is one consistent snapshot, checked and switched to a single
    self-contained file (no ``-wal`` beside it) before it replaces ``target``,
    so a failed backup never leaves a half-written file under the target name.
    """
    source_path, target_path = Path(source), Path(target)
    if not source_path.is_file():
        raise StorageError(f"Datenbank {source} gibt es nicht")
    if target_path.resolve() == source_path.resolve():
        raise StorageError("Die Sicherung darf nicht die Datenbank selbst überschreiben")
    partial = target_path.with_name(f".{target_path.name}.partial")
    try:
        origin = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            origin.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise StorageError(f"Sicherung {target} ist beschädigt: {check}")
        finally:
            copy.close()
            origin.close()
        os.replace(partial, target_path)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise StorageError(f"Sicherung nach {target} fehlgeschlagen: {error}") from None
    except StorageError:
        partial.unlink(missing_ok=True)
        raise
