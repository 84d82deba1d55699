"""Queries about paper sheets: a sheet typed in is one anonymous participant.

The sheet's person is a ``users`` row of the channel ``paper`` (nobody is
reached there) with a participant's row of the ticked perspective and a
finished run holding the sheet's answers, all written in one transaction: the
aggregates, the counts and every release take the sheet exactly as they take
a phone's answers. ``paper_sheets`` keys the sheet by workshop and code, so a
second entry of the same code, also one arriving at the same moment, is
refused by the key and writes nothing (see migration 13).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Mapping, Sequence

from bot.store.connection import Database

PAPER = "paper"  # the channel of a sheet's person: nobody can be reached there
_ID_RANGE = 2**53  # as the browser's people (bot.store.web_sessions), drawn negative


class SheetTaken(Exception):
    """The sheet's code is already entered in this workshop."""


class PaperSheets:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def enter(self, workshop_id: int, code: str, perspective: str,
                    field_ids: Sequence[str] | None, answers: Mapping[str, str]) -> bool:
        """Store the sheet as a participant who has finished; ``False`` if its code is taken
        (or the workshop has closed meanwhile), and then nothing is written."""
        selection = ",".join(field_ids) if field_ids is not None else None
        at = self._db.now()
        while True:
            person = -(secrets.randbelow(_ID_RANGE - 1) + 1)
            try:
                async with self._db.transaction() as db:
                    await db.execute("INSERT INTO users (user_id, channel, created_at,"
                                     " last_active_at) VALUES (?, ?, ?, ?)",
                                     (person, PAPER, at, at))
                    cursor = await db.execute(
                        "INSERT INTO paper_sheets (workshop_id, code, user_id, entered_at)"
                        " SELECT id, ?, ?, ? FROM workshops WHERE id = ? AND status = 'open'"
                        " ON CONFLICT (workshop_id, code) DO NOTHING",
                        (code, person, at, workshop_id))
                    if not cursor.rowcount:
                        raise SheetTaken(code)
                    await db.execute(
                        "INSERT INTO workshop_participants (workshop_id, user_id, perspective,"
                        " joined_at) VALUES (?, ?, ?, ?)", (workshop_id, person, perspective, at))
                    cursor = await db.execute(
                        "INSERT INTO runs (user_id, workshop_id, field_ids, status, started_at,"
                        " finished_at) VALUES (?, ?, ?, 'finished', ?, ?)",
                        (person, workshop_id, selection, at, at))
                    run_id = cursor.lastrowid
                    await db.executemany(
                        "INSERT INTO answers (run_id, statement_id, choice, answered_at)"
                        " VALUES (?, ?, ?, ?)",
                        [(run_id, statement, choice, at) for statement, choice in answers.items()])
            except SheetTaken:
                return False
            except sqlite3.IntegrityError:
                if await self.entered(workshop_id, code):
                    return False  # the other of two entries at once won
                continue  # that person's id is taken (one chance in billions): draw another
            return True

    async def entered(self, workshop_id: int, code: str) -> bool:
        return await self._db.row("SELECT 1 FROM paper_sheets WHERE workshop_id = ? AND code = ?",
                                  (workshop_id, code)) is not None

    async def count(self, workshop_id: int) -> int:
        row = await self._db.row("SELECT COUNT(*) FROM paper_sheets WHERE workshop_id = ?",
                                 (workshop_id,))
        return int(row[0]) if row else 0
