"""Queries about the administration's own view placed beside a workshop's result.

One per workshop, placed and withdrawn by the coordinator whose self-check it
is, and only while the workshop is open: the closing release is what the
room takes home. The answers are stored as consented to; the row names the
person, so it goes when they delete their data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.store.connection import Database


@dataclass(frozen=True)
class StoredReference:
    user_id: int              # whose self-check it is: only they may withdraw it
    answers: dict[str, str]   # statement id -> choice, the workshop's fields only
    answered_on: str          # the day the self-check was finished (ISO date)
    consented_at: str


class References:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def of(self, workshop_id: int) -> StoredReference | None:
        row = await self._db.row("SELECT * FROM workshop_references WHERE workshop_id = ?",
                                 (workshop_id,))
        if row is None:
            return None
        return StoredReference(row["user_id"], json.loads(row["answers"]), row["answered_on"],
                               row["consented_at"])

    async def place(self, workshop_id: int, revision: int, user_id: int,
                    answers: dict[str, str], answered_on: str) -> bool:
        """Place the person's view, if the workshop is open, still at ``revision`` (what they
        consented to on screen) and shows nobody else's yet."""
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "UPDATE workshops SET revision = revision + 1 WHERE id = ? AND revision = ?"
                " AND status = 'open' AND NOT EXISTS (SELECT 1 FROM workshop_references"
                " WHERE workshop_id = ?)", (workshop_id, revision, workshop_id))
            if not cursor.rowcount:
                return False
            await db.execute(
                "INSERT INTO workshop_references (workshop_id, user_id, answers, answered_on,"
                " consented_at) VALUES (?, ?, ?, ?, ?)",
                (workshop_id, user_id, json.dumps(answers, sort_keys=True), answered_on,
                 self._db.now()))
        return True

    async def withdraw(self, workshop_id: int, revision: int, user_id: int) -> bool:
        """Take the person's own view back, while the workshop is open and at ``revision``."""
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "UPDATE workshops SET revision = revision + 1 WHERE id = ? AND revision = ?"
                " AND status = 'open' AND EXISTS (SELECT 1 FROM workshop_references"
                " WHERE workshop_id = ? AND user_id = ?)",
                (workshop_id, revision, workshop_id, user_id))
            if not cursor.rowcount:
                return False
            await db.execute("DELETE FROM workshop_references WHERE workshop_id = ?",
                             (workshop_id,))
        return True
