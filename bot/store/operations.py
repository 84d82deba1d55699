"""Operations: the heartbeat, the health check, backups, and the guards at start-up.

The operators' commands (backup, health) use plain sqlite3, outside the
bot's event loop, and never hold the instance lock: they run beside the bot.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import IO

from bot.domain.clock import SystemClock
from bot.store.connection import Database
from bot.store.errors import StorageError


class Health:
    """The running bot's heartbeat: proof that it is alive and writes to the right file."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def beat(self) -> None:
        """Record that the running bot is alive and can write to its database.

        Refuses when the file at the database's path is no longer the one the
        bot has open (deleted, or replaced by a restore): answers confirmed
        into an unlinked file would be lost at the next start.
        """
        self._db.check_own_file()
        moment = self._db.now()
        await self._db.write(
            "INSERT INTO heartbeat (id, beat_at) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at", (moment,))


def hold_instance_lock(path: str | Path) -> IO[bytes]:
    """Lock ``<database>.lock`` for as long as the returned file stays open (the process's life).

    Two bots on one database would each confirm answers the other one
    does not know about; the second one is refused. The kernel releases the
    lock when the process ends, however it ends.
    """
    lock_path = Path(f"{path}.lock")
    try:
        lock = open(lock_path, "ab")  # noqa: SIM115 – held open on purpose
    except OSError as error:
        raise StorageError(f"Sperrdatei {lock_path} lässt sich nicht anlegen: "
                           f"{error.strerror}") from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StorageError(f"Ein anderer Bot läuft bereits mit der Datenbank {path}") from None
    return lock


def check_writable(path: str | Path) -> None:
    """Refuse a database (or its directory) the bot cannot write, before it goes online.

    SQLite opens a read-only file without complaint and fails only at the
    first answer; the write-ahead log and its index need the directory. What
    does not exist yet is left to opening the database, which says why.
    """
    database = Path(path)
    if database.is_file() and not os.access(database, os.W_OK):
        raise StorageError(f"Datenbank {path} ist schreibgeschützt")
    directory = database.parent
    if directory.is_dir() and not os.access(directory, os.W_OK | os.X_OK):
        raise StorageError(f"Datenbank {path}: das Verzeichnis ist schreibgeschützt")


def check_database(path: str | Path) -> None:
    """Open and migrate the database once before going online, so a bad path fails early."""
    async def probe() -> None:
        database = await Database.open(path, SystemClock())
        await database.close()
    asyncio.run(probe())


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
