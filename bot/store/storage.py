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
import contextlib
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import aiosqlite

from bot.domain.workshop import PerspectiveProgress

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
    # 3: workshops: several perspectives from one municipality. Everything that
    # names a person references users(user_id) ON DELETE CASCADE, so deleting a
    # person takes their answers out of every aggregate. A workshop goes with
    # its creator; its runs (runs.workshop_id has no foreign key) go with it by
    # trigger, which also fires when the deletion cascades from users.
    """
    CREATE TABLE workshops (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        token              TEXT NOT NULL UNIQUE,   -- invitation deep link; renewing replaces it
        coordinator_token  TEXT UNIQUE,            -- one-time co-coordinator invitation, or NULL
        municipality       TEXT NOT NULL,
        field_ids          TEXT,                   -- comma-separated selection, NULL = all fields
        status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        revision           INTEGER NOT NULL DEFAULT 0,  -- bumped by renew, close and share
        created_by         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        created_at         TEXT NOT NULL,
        closed_at          TEXT
    );
    CREATE INDEX workshops_by_creator ON workshops(created_by);
    CREATE TABLE workshop_coordinators (           -- co-coordinators; the creator is created_by
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        added_at     TEXT NOT NULL,
        PRIMARY KEY (workshop_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX workshop_coordinators_by_user ON workshop_coordinators(user_id);
    CREATE TABLE workshop_participants (
        workshop_id  INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        perspective  TEXT,                         -- NULL until the participant has chosen
        joined_at    TEXT NOT NULL,
        PRIMARY KEY (workshop_id, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE workshop_drafts (                 -- a coordinator setting up a workshop
        user_id       INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        municipality  TEXT,                        -- NULL while the bot waits for the name
        field_ids     TEXT NOT NULL,               -- comma-separated selection so far
        created_at    TEXT NOT NULL
    );
    CREATE INDEX runs_by_workshop ON runs(workshop_id) WHERE workshop_id IS NOT NULL;
    CREATE TRIGGER workshop_runs_leave_with_their_workshop AFTER DELETE ON workshops
    BEGIN
        DELETE FROM runs WHERE workshop_id = OLD.id;
    END;
    -- The run a person last worked on, so /weiter continues there when a
    -- workshop run and a personal run are both open.
    ALTER TABLE users ADD COLUMN current_run INTEGER REFERENCES runs(id) ON DELETE SET NULL;
    """,
    # 4: reliability and privacy. ``last_active_at`` drives the retention period
    # (back-filled from the newest stored activity: runs, answers, the report's
    # name, workshops set up, joined or co-coordinated); ``heartbeat`` is the
    # health signal: one row, rewritten by the running bot.
    """
    ALTER TABLE users ADD COLUMN last_active_at TEXT;
    UPDATE users SET last_active_at = MAX(
        created_at,
        IFNULL((SELECT MAX(MAX(r.started_at, IFNULL(r.finished_at, ''))) FROM runs r
                WHERE r.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(a.answered_at) FROM answers a JOIN runs r ON r.id = a.run_id
                WHERE r.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(IFNULL(m.decided_at, ''), IFNULL(m.awaiting_since, ''))
                FROM municipality_names m WHERE m.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(MAX(w.created_at, IFNULL(w.closed_at, ''))) FROM workshops w
                WHERE w.created_by = users.user_id), ''),
        IFNULL((SELECT MAX(c.added_at) FROM workshop_coordinators c
                WHERE c.user_id = users.user_id), ''),
        IFNULL((SELECT MAX(p.joined_at) FROM workshop_participants p
                WHERE p.user_id = users.user_id), ''),
        IFNULL((SELECT d.created_at FROM workshop_drafts d
                WHERE d.user_id = users.user_id), ''));
    CREATE INDEX users_last_active ON users(last_active_at);
    CREATE TABLE heartbeat (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        beat_at  TEXT NOT NULL
    );
    """,
    # 5: people in the browser (negative user ids): the SHA-256 of the random
    # token in their cookie and continue link, never the token itself.
    """
    -- A Telegram coordinator may open a private link as well (positive user id).
    CREATE TABLE web_sessions (
        token_hash  BLOB PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX web_sessions_by_user ON web_sessions(user_id);
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


_MARK_CURRENT = ("UPDATE users SET current_run = ?"
                 " WHERE user_id = (SELECT user_id FROM runs WHERE id = ?)")


@dataclass(frozen=True)
class Workshop:
    id: int
    token: str
    coordinator_token: str | None
    municipality: str
    field_ids: tuple[str, ...] | None
    status: str
    revision: int
    created_by: int
    created_at: str
    closed_at: str | None

    @property
    def open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Participant:
    workshop_id: int
    user_id: int
    perspective: str | None
    joined_at: str


@dataclass(frozen=True)
class Draft:
    """A workshop being set up: the name (once given) and the fields chosen so far."""

    user_id: int
    municipality: str | None
    field_ids: tuple[str, ...]
    created_at: str


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
    return _timestamp(datetime.now(timezone.utc))


def _timestamp(moment: datetime) -> str:
    """The one text form of a point in time in the database; it sorts chronologically."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _ids(text: str | None) -> tuple[str, ...] | None:
    return tuple(text.split(",")) if text else None


def _workshop_from_row(row: aiosqlite.Row) -> Workshop:
    return Workshop(id=row["id"], token=row["token"], coordinator_token=row["coordinator_token"],
                    municipality=row["municipality"], field_ids=_ids(row["field_ids"]),
                    status=row["status"], revision=row["revision"], created_by=row["created_by"],
                    created_at=row["created_at"], closed_at=row["closed_at"])


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
        self._pending_answers: list[_PendingAnswer] = []
        self._committer: asyncio.Task[None] | None = None
        # The day each person's activity was last noted by this process, so a
        # person's many taps a day cost one write, not one each.
        self._noted_on: dict[int, date] = {}

    async def _write(self, sql: str, parameters: tuple[object, ...]) -> int:
        """Run one write statement (committed at once) and return how many rows it changed."""
        async with self._write_lock:
            cursor = await self._db.execute(sql, parameters)
            changed = cursor.rowcount
            await cursor.close()
            return changed

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several writes as one, committed when the block ends without an error."""
        async with self._write_lock, self._locked_transaction() as db:
            yield db

    @contextlib.asynccontextmanager
    async def _locked_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A transaction for a caller that holds the write lock.

        Rolled back on any error, a failed COMMIT included: a transaction left
        open would silently take in the next coroutine's writes.
        """
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            await self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                await self._db.execute("ROLLBACK")
            raise

    @classmethod
    async def open(cls, path: str | Path) -> Storage:
        # A failed aiosqlite.connect leaves its worker thread to report into a
        # possibly closed event loop (a traceback from the thread), so find out
        # first with plain sqlite3, in a thread of its own and once.
        try:
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
        if self._committer is not None:
            await self._committer  # answers already accepted are committed, not dropped
        await self._db.close()

    async def _configure(self) -> None:
        await _configure(self._db)

    async def _rows(self, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        """A query's rows in one trip to the database thread (execute, fetch and close)."""
        return list(await self._db.execute_fetchall(sql, parameters))

    async def _row(self, sql: str, parameters: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        """A query's first row (or ``None``), also in one trip."""
        rows = await self._db.execute_fetchall(sql, parameters)
        return next(iter(rows), None)

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
        now = _now()
        await self._write(
            "INSERT INTO users (user_id, created_at, last_active_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (user_id, now, now))

    async def has_user(self, user_id: int) -> bool:
        return await self._row("SELECT 1 FROM users WHERE user_id = ?", (user_id,)) is not None

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
        await self.set_current_run(user_id, run.id)
        return run, created > 0

    async def set_cursor(self, run_id: int, statement_id: str | None) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE runs SET cursor = ? WHERE id = ?", (statement_id, run_id))
            await db.execute(_MARK_CURRENT, (run_id, run_id))

    async def active_runs(self, user_id: int) -> list[Run]:
        """Every open run of the person, personal and workshop ones.

        The run the person last worked on comes first (commands such as
        /weiter, /ergebnis and /bericht address it), then the others, newest first.
        """
        rows = await self._rows(
            "SELECT * FROM runs WHERE user_id = ? AND status = 'active'"
            " ORDER BY id IS (SELECT current_run FROM users WHERE user_id = ?) DESC, id DESC",
            (user_id, user_id))
        return [_run_from_row(row) for row in rows]

    async def latest_finished_run(self, user_id: int) -> Run | None:
        """The person's most recently finished run, personal or in a workshop."""
        row = await self._row(
            "SELECT * FROM runs WHERE user_id = ? AND status = 'finished'"
            " ORDER BY finished_at DESC, id DESC LIMIT 1", (user_id,))
        return _run_from_row(row) if row else None

    async def set_current_run(self, user_id: int, run_id: int) -> None:
        await self._write("UPDATE users SET current_run = ? WHERE user_id = ?", (run_id, user_id))

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
        async with self._locked_transaction() as db:
            await db.executemany(
                "INSERT INTO answers (run_id, statement_id, choice, answered_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (run_id, statement_id)"
                " DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at",
                [(a.run_id, a.statement_id, a.choice, a.at) for a in batch])
            continuing = [(a.run_id,) for a in batch if not a.finishes]
            if continuing:
                await db.executemany("UPDATE runs SET cursor = NULL WHERE id = ?", continuing)
            finishing = [(a.at, a.run_id) for a in batch if a.finishes]
            if finishing:
                # Only an active run finishes: a workshop closed meanwhile has ended it.
                await db.executemany(
                    "UPDATE runs SET cursor = NULL, status = 'finished', finished_at = ?"
                    " WHERE id = ? AND status = 'active'", finishing)
            # The run answered last is the one /weiter continues (in batch order).
            await db.executemany(_MARK_CURRENT, [(a.run_id, a.run_id) for a in batch])

    # --- results: comparison, changed answers, the municipality's name ------------

    async def previous_finished_run(self, run: Run) -> Run | None:
        """The same person's last finished run before ``run`` (never somebody else's)."""
        row = await self._row(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'finished'"
            " AND id < ? ORDER BY id DESC LIMIT 1",
            (run.user_id, run.workshop_id, run.id))
        return _run_from_row(row) if row else None

    async def change_answer(self, run_id: int, statement_id: str, choice: str) -> bool:
        """Change an answer already given; the run's status and cursor stay as they are.

        Returns whether there was such an answer: a review never answers an
        open statement, so it cannot finish a run behind the person's back.
        Nor does it change an answer in a closed workshop, whose result stands.
        """
        return bool(await self._write(
            "UPDATE answers SET choice = ?, answered_at = ?"
            " WHERE run_id = ? AND statement_id = ? AND NOT EXISTS (SELECT 1 FROM runs r"
            "  JOIN workshops w ON w.id = r.workshop_id"
            "  WHERE r.id = answers.run_id AND w.status = 'closed')",
            (choice, _now(), run_id, statement_id)))

    async def municipality_name(self, user_id: int) -> MunicipalityName | None:
        row = await self._row("SELECT * FROM municipality_names WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return MunicipalityName(name=row["name"], decided=row["decided_at"] is not None,
                                awaiting_since=row["awaiting_since"],
                                report_run_id=row["report_run_id"])

    async def await_municipality_name(self, user_id: int, report_run_id: int | None) -> None:
        """Remember that the person's next message is the name (kept across restarts).

        The next message answers the latest question only: a workshop set-up
        still waiting for its name is dropped.
        """
        await self.ensure_user(user_id)
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO municipality_names (user_id, awaiting_since, report_run_id)"
                " VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " awaiting_since = excluded.awaiting_since, report_run_id = excluded.report_run_id",
                (user_id, _now(), report_run_id))
            await db.execute(
                "DELETE FROM workshop_drafts WHERE user_id = ? AND municipality IS NULL", (user_id,))

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

    # --- workshops: setting one up ---------------------------------------------

    async def draft(self, user_id: int) -> Draft | None:
        row = await self._row("SELECT * FROM workshop_drafts WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Draft(user_id=row["user_id"], municipality=row["municipality"],
                     field_ids=_ids(row["field_ids"]) or (), created_at=row["created_at"])

    async def start_draft(self, user_id: int, municipality: str | None,
                          field_ids: Iterable[str]) -> None:
        """Begin setting up a workshop; replaces an unfinished earlier draft.

        Without a municipality the person's next message is its name, and
        answers the latest question only: the report stops waiting for a name.
        """
        await self.ensure_user(user_id)
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO workshop_drafts (user_id, municipality, field_ids, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " municipality = excluded.municipality, field_ids = excluded.field_ids,"
                " created_at = excluded.created_at",
                (user_id, municipality, ",".join(field_ids), _now()))
            if municipality is None:
                await db.execute(
                    "UPDATE municipality_names SET awaiting_since = NULL, report_run_id = NULL"
                    " WHERE user_id = ?", (user_id,))

    async def name_draft(self, user_id: int, municipality: str) -> bool:
        """Give a waiting draft its municipality; False when none is waiting."""
        return bool(await self._write(
            "UPDATE workshop_drafts SET municipality = ?"
            " WHERE user_id = ? AND municipality IS NULL",
            (municipality, user_id)))

    async def set_draft_fields(self, user_id: int, field_ids: Iterable[str]) -> None:
        await self._write("UPDATE workshop_drafts SET field_ids = ? WHERE user_id = ?",
                          (",".join(field_ids), user_id))

    async def drop_draft(self, user_id: int) -> None:
        await self._write("DELETE FROM workshop_drafts WHERE user_id = ?", (user_id,))

    async def create_workshop(self, user_id: int, token: str,
                              field_ids: Iterable[str] | None) -> Workshop | None:
        """Turn the person's named draft into a workshop, in one step.

        ``None`` when there is no named draft (a repeated tap on "create"), so
        a duplicated update never creates a second workshop.
        """
        selection = ",".join(field_ids) if field_ids is not None else None
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO workshops (token, municipality, field_ids, created_by, created_at)"
                " SELECT ?, municipality, ?, user_id, ? FROM workshop_drafts"
                " WHERE user_id = ? AND municipality IS NOT NULL",
                (token, selection, _now(), user_id))
            if not cursor.rowcount:
                return None
            await db.execute("DELETE FROM workshop_drafts WHERE user_id = ?", (user_id,))
        return await self.workshop_by_token(token)

    # --- workshops: finding them and who may manage them ------------------------

    async def workshop(self, workshop_id: int) -> Workshop | None:
        return await self._one_workshop("SELECT * FROM workshops WHERE id = ?", workshop_id)

    async def workshop_by_token(self, token: str) -> Workshop | None:
        return await self._one_workshop("SELECT * FROM workshops WHERE token = ?", token)

    async def workshop_by_coordinator_token(self, token: str) -> Workshop | None:
        return await self._one_workshop("SELECT * FROM workshops WHERE coordinator_token = ?",
                                        token)

    async def _one_workshop(self, sql: str, key: object) -> Workshop | None:
        row = await self._row(sql, (key,))
        return _workshop_from_row(row) if row else None

    async def workshops_of(self, user_id: int) -> list[Workshop]:
        """The workshops the person coordinates (created or co-coordinates), newest first."""
        rows = await self._rows(
            "SELECT * FROM workshops WHERE created_by = ? OR id IN"
            " (SELECT workshop_id FROM workshop_coordinators WHERE user_id = ?)"
            " ORDER BY id DESC", (user_id, user_id))
        return [_workshop_from_row(row) for row in rows]

    async def is_coordinator(self, workshop_id: int, user_id: int) -> bool:
        return await self._row(
            "SELECT 1 FROM workshops WHERE id = ? AND created_by = ? UNION ALL"
            " SELECT 1 FROM workshop_coordinators WHERE workshop_id = ? AND user_id = ?",
            (workshop_id, user_id, workshop_id, user_id)) is not None

    async def coordinator_count(self, workshop_id: int) -> int:
        """The creator plus the co-coordinators."""
        row = await self._row(
            "SELECT 1 + COUNT(*) FROM workshop_coordinators WHERE workshop_id = ?",
            (workshop_id,))
        return int(row[0]) if row else 1

    async def offer_coordinator_token(self, workshop_id: int, token: str) -> str | None:
        """The unused co-coordinator invitation, ``token`` if there was none; ``None``: no workshop.

        An unused invitation is kept, so a repeated tap or update hands out
        the same link rather than silently voiding the one just sent.
        """
        await self._write("UPDATE workshops SET coordinator_token = ?"
                          " WHERE id = ? AND coordinator_token IS NULL", (token, workshop_id))
        workshop = await self.workshop(workshop_id)
        return workshop.coordinator_token if workshop else None

    async def renew_coordinator_token(self, workshop_id: int, revision: int, token: str) -> bool:
        """A new co-coordinator invitation at the confirmed revision; the unused one stops working."""
        return bool(await self._write(
            "UPDATE workshops SET coordinator_token = ?, revision = revision + 1"
            " WHERE id = ? AND revision = ?", (token, workshop_id, revision)))

    async def redeem_coordinator_token(self, workshop_id: int, token: str, user_id: int) -> bool:
        """Make the person a co-coordinator and use the invitation up; False if already used."""
        await self.ensure_user(user_id)
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE workshops SET coordinator_token = NULL"
                " WHERE id = ? AND coordinator_token = ?", (workshop_id, token))
            if not cursor.rowcount:
                return False
            await db.execute(
                "INSERT INTO workshop_coordinators (workshop_id, user_id, added_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (workshop_id, user_id, _now()))
        return True

    # --- workshops: managing them ------------------------------------------------
    # Each change takes the revision the coordinator confirmed and bumps it, so a
    # repeated or outdated confirmation changes nothing.

    async def renew_token(self, workshop_id: int, revision: int, token: str) -> bool:
        return bool(await self._write(
            "UPDATE workshops SET token = ?, revision = revision + 1"
            " WHERE id = ? AND revision = ?", (token, workshop_id, revision)))

    async def close_workshop(self, workshop_id: int, revision: int) -> bool:
        """No more answers: the workshop closes and its unfinished runs end with it."""
        now = _now()
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE workshops SET status = 'closed', closed_at = ?, revision = revision + 1"
                " WHERE id = ? AND revision = ? AND status = 'open'", (now, workshop_id, revision))
            if not cursor.rowcount:
                return False
            await db.execute(
                "UPDATE runs SET status = 'cancelled', cursor = NULL, finished_at = ?"
                " WHERE workshop_id = ? AND status = 'active'", (now, workshop_id))
        return True

    async def bump_revision(self, workshop_id: int, revision: int) -> bool:
        return bool(await self._write(
            "UPDATE workshops SET revision = revision + 1 WHERE id = ? AND revision = ?",
            (workshop_id, revision)))

    async def delete_workshop(self, workshop_id: int, revision: int) -> bool:
        """The workshop with everything in it: participants, co-coordinators, runs, answers."""
        return bool(await self._write("DELETE FROM workshops WHERE id = ? AND revision = ?",
                                      (workshop_id, revision)))

    # --- workshops: participants -------------------------------------------------

    async def join_workshop(self, workshop_id: int, user_id: int) -> None:
        await self.ensure_user(user_id)
        await self._write(
            "INSERT INTO workshop_participants (workshop_id, user_id, joined_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING", (workshop_id, user_id, _now()))

    async def participant(self, workshop_id: int, user_id: int) -> Participant | None:
        row = await self._row(
            "SELECT * FROM workshop_participants WHERE workshop_id = ? AND user_id = ?",
            (workshop_id, user_id))
        if row is None:
            return None
        return Participant(workshop_id=row["workshop_id"], user_id=row["user_id"],
                           perspective=row["perspective"], joined_at=row["joined_at"])

    async def choose_perspective(self, workshop_id: int, user_id: int, perspective: str) -> bool:
        """Record the participant's perspective once; False if one was already chosen."""
        return bool(await self._write(
            "UPDATE workshop_participants SET perspective = ?"
            " WHERE workshop_id = ? AND user_id = ? AND perspective IS NULL",
            (perspective, workshop_id, user_id)))

    async def active_workshop_runs(self, workshop_id: int) -> list[Run]:
        rows = await self._rows(
            "SELECT * FROM runs WHERE workshop_id = ? AND status = 'active'", (workshop_id,))
        return [_run_from_row(row) for row in rows]

    async def takes_part_in_workshops(self, user_id: int) -> bool:
        return await self._row("SELECT 1 FROM workshop_participants WHERE user_id = ?",
                               (user_id,)) is not None

    async def participant_ids(self, workshop_id: int) -> list[int]:
        rows = await self._rows(
            "SELECT user_id FROM workshop_participants WHERE workshop_id = ?"
            " ORDER BY joined_at, user_id", (workshop_id,))
        return [row["user_id"] for row in rows]

    async def workshop_progress(self, workshop_id: int) -> list[PerspectiveProgress]:
        """Joined and finished participants per perspective: counts, never names."""
        rows = await self._rows(
            "SELECT p.perspective, COUNT(*) AS joined, SUM(EXISTS (SELECT 1 FROM runs r"
            "  WHERE r.workshop_id = p.workshop_id AND r.user_id = p.user_id"
            "  AND r.status = 'finished')) AS finished"
            " FROM workshop_participants p WHERE p.workshop_id = ? GROUP BY p.perspective",
            (workshop_id,))
        return [PerspectiveProgress(row["perspective"], row["joined"], row["finished"])
                for row in rows]

    async def workshop_responses(self, workshop_id: int) -> list[tuple[str, dict[str, str]]]:
        """(perspective, answers) of every participant who finished, without who it was.

        Only the latest finished run of each participant counts; a deleted
        person's runs are gone with them, so they leave every aggregate.
        """
        rows = await self._rows(
            "SELECT p.perspective, a.run_id, a.statement_id, a.choice"
            " FROM workshop_participants p"
            " JOIN runs r ON r.id = (SELECT MAX(id) FROM runs WHERE workshop_id = p.workshop_id"
            "  AND user_id = p.user_id AND status = 'finished')"
            " JOIN answers a ON a.run_id = r.id"
            " WHERE p.workshop_id = ? AND p.perspective IS NOT NULL ORDER BY a.run_id",
            (workshop_id,))
        responses: dict[int, tuple[str, dict[str, str]]] = {}
        for row in rows:
            responses.setdefault(row["run_id"], (row["perspective"], {}))[1][
                row["statement_id"]] = row["choice"]
        return list(responses.values())

    # --- privacy -----------------------------------------------------------------

    async def touch_user(self, user_id: int, now: datetime | None = None) -> None:
        """Note that a known person was active today; at most one write per person and day."""
        moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
        if self._noted_on.get(user_id) == moment.date():
            return
        day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        await self._write(
            "UPDATE users SET last_active_at = ? WHERE user_id = ?"
            " AND (last_active_at IS NULL OR last_active_at < ?)",
            (_timestamp(moment), user_id, _timestamp(day_start)))
        if len(self._noted_on) > 100_000:  # a day's worth at most; keep memory flat
            self._noted_on.clear()
        self._noted_on[user_id] = moment.date()

    async def delete_user(self, user_id: int) -> bool:
        """Delete a person and, by ``ON DELETE CASCADE``, everything that refers to them."""
        self._noted_on.pop(user_id, None)
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
