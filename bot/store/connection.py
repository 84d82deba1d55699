"""The one connection to the database: its set-up, the write lock, transactions and group commit.

One database file in WAL mode, so readers never block the writer and a commit
is a single append. Each write commits before it returns: the bot only
confirms an answer to the person after the answer is on disk, so a crash can
never lose something the person has seen acknowledged. And on disk means in
the file at the database's path: every commit is followed by a look at that
file's identity (one ``stat``), so an answer committed into a file deleted or
replaced under the running process is refused, not confirmed
(:class:`~bot.store.errors.DatabaseGone`).

A use case that writes several things runs them in one unit of work
(:meth:`Database.unit_of_work`): every write inside it, whichever query
module makes it, goes into one transaction that commits once at the end, or
not at all if anything raises, so a crash or an error between two steps
leaves nothing half done.

``secure_delete`` overwrites deleted content with zeros, so a deleted
person's data does not linger in free pages of the file (see
:meth:`Database.checkpoint` for the write-ahead log).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Generic, TypeVar

import aiosqlite

from bot.domain.clock import Clock
from bot.store import schema
from bot.store.errors import DatabaseGone, StorageError

T = TypeVar("T")


async def configure(connection: aiosqlite.Connection) -> None:
    """The settings every connection to our database file gets."""
    await connection.execute("PRAGMA busy_timeout = 5000")
    await connection.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode keeps every commit across a process crash or kill;
    # only a power cut may lose the last commits.
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA secure_delete = ON")


def timestamp(moment: datetime) -> str:
    """The one text form of a point in time in the database; it sorts chronologically."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _probe(path: str | Path) -> None:
    sqlite3.connect(path).close()


async def _configured_and_migrated(connection: aiosqlite.Connection) -> None:
    """Configure and migrate, waiting while another process does the same.

    Switching a fresh file to WAL mode and recovering a WAL index can report
    "database is locked" at once, without SQLite's busy handler: two processes
    starting together on a new database would otherwise lose one of them.
    """
    for attempt in range(_OPEN_ATTEMPTS):
        try:
            await configure(connection)
            await schema.migrate(connection)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == _OPEN_ATTEMPTS - 1:
                raise
            await asyncio.sleep(_OPEN_PAUSE)


_OPEN_ATTEMPTS = 50
_OPEN_PAUSE = 0.1  # seconds: 50 attempts outlast any migration of ours


class Database:
    """The connection every query module shares; create it with :meth:`open`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path, clock: Clock) -> None:
        self.connection = connection
        self.path = path
        self.clock = clock
        # One connection serves every coroutine: a statement issued while another
        # coroutine's transaction is open would silently join it, so all writes
        # take this lock.
        self.write_lock = asyncio.Lock()
        self._group_commits: list[GroupCommit[object]] = []
        self._identity: tuple[int, int] | None = None
        # The task whose unit of work holds the write lock and the open transaction: its
        # writes go into that transaction; every other task waits for the lock.
        self._unit_owner: asyncio.Task[object] | None = None
        self._after_unit: list[Callable[[], Awaitable[None]]] = []
        # Set at the first commit that finds the file gone; the process's upkeep waits on it.
        self.gone = asyncio.Event()

    @classmethod
    async def open(cls, path: str | Path, clock: Clock) -> Database:
        # A failed aiosqlite.connect leaves its worker thread to report into a
        # possibly closed event loop (a traceback from the thread), so find out
        # first with plain sqlite3, in a thread of its own and once.
        try:
            await asyncio.to_thread(_probe, path)
            connection = await aiosqlite.connect(path, isolation_level=None)
        except Exception as error:  # sqlite3 raises OperationalError, aiosqlite may wrap it
            raise StorageError(f"Datenbank {path} lässt sich nicht öffnen: {error}") from None
        connection.row_factory = aiosqlite.Row
        database = cls(connection, Path(path), clock)
        try:
            await _configured_and_migrated(connection)
            database._identity = _identity(os.stat(path))
        except Exception as error:
            await connection.close()
            if isinstance(error, StorageError):
                raise
            raise StorageError(f"Datenbank {path} ist nicht nutzbar: {error}") from None
        return database

    def now(self) -> str:
        """The clock's current moment in the database's text form."""
        return timestamp(self.clock.now())

    async def close(self) -> None:
        for group in self._group_commits:
            await group.drain()  # writes already accepted are committed, not dropped
        await self.connection.close()

    def group_commit(self, write: Callable[[aiosqlite.Connection, list[T]], Awaitable[None]],
                     ) -> GroupCommit[T]:
        """A queue whose items are written by ``write`` in shared transactions; drained at close."""
        group: GroupCommit[T] = GroupCommit(self, write)
        self._group_commits.append(group)  # type: ignore[arg-type]
        return group

    async def rows(self, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        """A query's rows in one trip to the database thread (execute, fetch and close)."""
        return list(await self.connection.execute_fetchall(sql, parameters))

    async def row(self, sql: str, parameters: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        """A query's first row (or ``None``), also in one trip."""
        rows = await self.connection.execute_fetchall(sql, parameters)
        return next(iter(rows), None)

    async def write(self, sql: str, parameters: tuple[object, ...]) -> int:
        """Run one write statement (committed at once, or with the unit of work it is part
        of) and return how many rows it changed."""
        if self.in_unit_of_work():
            return await self._execute(sql, parameters)
        async with self.write_lock:
            changed = await self._execute(sql, parameters)
            self.check_own_file()
            return changed

    async def _execute(self, sql: str, parameters: tuple[object, ...]) -> int:
        cursor = await self.connection.execute(sql, parameters)
        changed = cursor.rowcount
        await cursor.close()
        return changed

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several writes as one, committed when the block ends without an error.

        Inside a unit of work the block is a savepoint of the unit's transaction: an
        error undoes the block's writes (as a transaction of its own would), and what it
        wrote commits with the unit.
        """
        if self.in_unit_of_work():
            async with self._savepoint() as db:
                yield db
            return
        async with self.write_lock, self.locked_transaction() as db:
            yield db

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[None]:
        """Every write of the calling task inside the block in one transaction.

        Committed once when the block ends, rolled back if it raises; a unit
        inside a unit is part of the outer one. The write lock is held
        throughout, so keep slow work (charts, PDFs) out of the block. Other
        tasks' reads on the shared connection may see the unit's writes before
        it commits; nothing is confirmed to anybody before it has.
        """
        if self.in_unit_of_work():
            yield
            return
        async with self.write_lock:
            self._unit_owner = asyncio.current_task()
            try:
                async with self.locked_transaction():
                    yield
            finally:
                self._unit_owner = None
                after, self._after_unit = self._after_unit, []
        for step in after:  # committed: what has to follow a commit (a checkpoint)
            await step()

    def in_unit_of_work(self) -> bool:
        """Whether the calling task is inside its unit of work."""
        return self._unit_owner is not None and self._unit_owner is asyncio.current_task()

    @contextlib.asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[aiosqlite.Connection]:
        await self.connection.execute("SAVEPOINT block")
        try:
            yield self.connection
        except BaseException:
            await self.connection.execute("ROLLBACK TO block")
            await self.connection.execute("RELEASE block")
            raise
        await self.connection.execute("RELEASE block")

    @contextlib.asynccontextmanager
    async def locked_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A transaction for a caller that holds the write lock.

        Rolled back on any error, a failed COMMIT included: a transaction left
        open would silently take in the next coroutine's writes.
        """
        await self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
            await self.connection.execute("COMMIT")
        except BaseException:
            if self.connection.in_transaction:
                await self.connection.execute("ROLLBACK")
            raise
        self.check_own_file()

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the file and empty it (after deletions).

        With ``secure_delete`` the deleted rows are zeroed in the pages written
        to the log; TRUNCATE writes those pages into the database file and cuts
        the log to nothing, so the old page images in it are gone from disk too.
        A reader that still holds an old snapshot (a running backup) keeps the
        log alive; the next deletion or retention run checkpoints again. Inside
        a unit of work it runs once the unit has committed.
        """
        if self.in_unit_of_work():
            self._after_unit.append(self.checkpoint)
            return
        async with self.write_lock:
            await self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def replaced(self) -> bool:
        """Whether the file at our path is no longer the one this connection writes to.

        A database deleted or replaced under the running bot (a restore done
        wrong) would otherwise take answers into a file nobody will ever read.
        """
        try:
            current = _identity(os.stat(self.path))
        except FileNotFoundError:
            return True
        return current != self._identity

    def check_own_file(self) -> None:
        """Raise :class:`DatabaseGone` (and set :attr:`gone`) if the file was deleted or replaced.

        Called after every commit, before the caller may confirm what it wrote:
        checked after the commit, a deletion during the commit is caught too.
        """
        if self.replaced():
            self.gone.set()
            raise DatabaseGone(f"Datenbank {self.path} wurde gelöscht oder ersetzt")


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


@dataclass
class _Pending(Generic[T]):
    item: T
    committed: asyncio.Future[None]


class GroupCommit(Generic[T]):
    """Items that arrive while a commit is under way are committed together in the next one.

    In a workshop burst nobody waits for everybody else's commits one by one;
    each caller still returns only once its own item is on disk.
    """

    def __init__(self, database: Database,
                 write: Callable[[aiosqlite.Connection, list[T]], Awaitable[None]]) -> None:
        self._database = database
        self._write = write
        self._pending: list[_Pending[T]] = []
        self._committer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        """Return once ``item`` is committed; raise what its own write raised.

        Inside a unit of work the item is written into the unit's transaction
        and commits with it (waiting for a batch would wait for the lock the
        unit holds).
        """
        if self._database.in_unit_of_work():
            async with self._database.transaction() as db:
                await self._write(db, [item])
            return
        pending = _Pending(item, asyncio.get_running_loop().create_future())
        self._pending.append(pending)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_pending())
        await pending.committed

    async def drain(self) -> None:
        if self._committer is not None:
            await self._committer

    async def _commit_pending(self) -> None:
        while self._pending:
            # The lock is taken per batch, so other writes (a new run, "Zurück")
            # get their turn between batches even in a long stream of items.
            async with self._database.write_lock:
                batch, self._pending = self._pending, []
                await self._commit(batch)

    async def _commit(self, batch: list[_Pending[T]]) -> None:
        """Commit ``batch`` and tell each caller; one bad item must not fail the others."""
        try:
            try:
                await self._commit_together(batch)
            except Exception as error:
                if len(batch) == 1 or isinstance(error, DatabaseGone):  # nobody's own fault
                    for pending in batch:
                        _settle(pending.committed, error)
                    return
                for pending in batch:  # find the culprit: each item in its own transaction
                    try:
                        await self._commit_together([pending])
                    except Exception as single_error:
                        _settle(pending.committed, single_error)
                    else:
                        _settle(pending.committed, None)
                return
        except BaseException:  # cancelled at shutdown: nobody may wait forever
            for pending in batch:
                pending.committed.cancel()
            raise
        for pending in batch:
            _settle(pending.committed, None)

    async def _commit_together(self, batch: list[_Pending[T]]) -> None:
        async with self._database.locked_transaction() as db:
            await self._write(db, [pending.item for pending in batch])


def _settle(future: asyncio.Future[None], error: Exception | None) -> None:
    if future.done():  # the caller was cancelled meanwhile
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
