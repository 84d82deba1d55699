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
import time
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


async def _configure(connection: aiosqlite.Connection) -> None:
    await connection.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode keeps every commit across a process crash or kill;
    # only a power cut may lose the last commits.
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA busy_timeout = 5000")


async def measure_commit_rate(path: str | Path, seconds: float = 1.0) -> float:
    """Single-row commits per second into a scratch database at ``path``, set up like ours.

    The ceiling for any write path over one aiosqlite connection on this file
    system; the benchmark prints it next to the bot's own answer rate. The
    scratch file is removed afterwards.
    """
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        await _configure(connection)
        await connection.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL)")
        commits = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            await connection.execute("INSERT INTO probe (at) VALUES (?)", (_now(),))
            commits += 1
    finally:
        await connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return commits / elapsed


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
        self._pending_answers: list[_PendingAnswer] = []
        self._committer: asyncio.Task[None] | None = None

    async def _write(self, sql: str, parameters: tuple[object, ...]) -> None:
        async with self._write_lock:
            await self._db.execute(sql, parameters)

    @classmethod
    async def open(cls, path: str | Path) -> Storage:
        try:
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
        if self._committer is not None:
            await self._committer  # answers already accepted are committed, not dropped
        await self._db.close()

    async def _configure(self) -> None:
        await _configure(self._db)

    async def _rows(self, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        """A query's rows in one trip to the database thread (execute, fetch and close)."""
        return list(await self._db.execute_fetchall(sql, parameters))

    async def schema_version(self) -> int:
        rows = await self._rows("PRAGMA user_version")
        return int(rows[0][0]) if rows else 0

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
        rows = await self._rows("SELECT * FROM runs WHERE id = ?", (run_id,))
        return _run_from_row(rows[0]) if rows else None

    async def active_run(self, user_id: int, workshop_id: int | None = None) -> Run | None:
        rows = await self._rows(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'active'",
            (user_id, workshop_id))
        return _run_from_row(rows[0]) if rows else None

    async def finished_runs(self, user_id: int, workshop_id: int | None = None) -> list[Run]:
        """The person's finished runs, newest first."""
        rows = await self._rows(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'finished'"
            " ORDER BY id DESC", (user_id, workshop_id))
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
        rows = await self._rows("SELECT statement_id, choice FROM answers WHERE run_id = ?",
                                (run_id,))
        return {row["statement_id"]: row["choice"] for row in rows}

    async def save_answer(self, run_id: int, statement_id: str, choice: str, *,
                          finishes: bool = False) -> None:
        """Store an answer, clear the "Zurück" cursor and, with ``finishes``, close the run.

        Committed before returning: the caller may confirm the answer as soon
        as this returns. Answers that arrive while a commit is under way are
        committed together in the next transaction (group commit), so in a
        workshop burst nobody waits for everybody else's commits one by one.
        """
        answer = _PendingAnswer(run_id, statement_id, choice, finishes, _now(),
                                asyncio.get_running_loop().create_future())
        self._pending_answers.append(answer)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_pending_answers())
        await answer.committed

    async def _commit_pending_answers(self) -> None:
        while self._pending_answers:
            # The lock is taken per batch, so other writes (a new run, "Zurück")
            # get their turn between batches even in a long stream of answers.
            async with self._write_lock:
                batch, self._pending_answers = self._pending_answers, []
                await self._commit_answers(batch)

    async def _commit_answers(self, batch: list[_PendingAnswer]) -> None:
        """Commit ``batch`` and tell each caller; one bad answer must not fail the others."""
        try:
            try:
                await self._transaction_save_answers(batch)
            except Exception as error:
                if len(batch) == 1:
                    _settle(batch[0].committed, error)
                    return
                for answer in batch:  # find the culprit: each answer in its own transaction
                    try:
                        await self._transaction_save_answers([answer])
                    except Exception as single_error:
                        _settle(answer.committed, single_error)
                    else:
                        _settle(answer.committed, None)
                return
        except BaseException:  # cancelled at shutdown: nobody may wait forever
            for answer in batch:
                answer.committed.cancel()
            raise
        for answer in batch:
            _settle(answer.committed, None)

    async def _transaction_save_answers(self, batch: list[_PendingAnswer]) -> None:
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            await self._db.executemany(
                "INSERT INTO answers (run_id, statement_id, choice, answered_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (run_id, statement_id)"
                " DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at",
                [(a.run_id, a.statement_id, a.choice, a.at) for a in batch])
            continuing = [(a.run_id,) for a in batch if not a.finishes]
            if continuing:
                await self._db.executemany("UPDATE runs SET cursor = NULL WHERE id = ?",
                                           continuing)
            finishing = [(a.at, a.run_id) for a in batch if a.finishes]
            if finishing:
                await self._db.executemany(
                    "UPDATE runs SET cursor = NULL, status = 'finished', finished_at = ?"
                    " WHERE id = ?", finishing)
            await self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                await self._db.execute("ROLLBACK")
            raise


@dataclass
class _PendingAnswer:
    run_id: int
    statement_id: str
    choice: str
    finishes: bool
    at: str
    committed: asyncio.Future[None]


def _settle(future: asyncio.Future[None], error: Exception | None) -> None:
    if future.done():  # the caller was cancelled meanwhile
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
