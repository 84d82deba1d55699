"""Queries about the next steps a workshop agreed on (at most five per workshop).

A coordinator types a step after tapping its button; the bot waits for it as
the person's one pending input (see :mod:`bot.store.people`).
"""

from __future__ import annotations

from bot.domain.entities import Awaited, Workshop
from bot.domain.next_steps import Step
from bot.store.connection import Database
from bot.store.people import stop_awaiting
from bot.store.workshops import workshop_from_row


class Steps:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def of(self, workshop_id: int) -> list[Step]:
        rows = await self._db.rows(
            "SELECT position, what, who, due FROM workshop_steps WHERE workshop_id = ?"
            " ORDER BY position", (workshop_id,))
        return [Step(row["position"], row["what"], row["who"], row["due"]) for row in rows]

    async def save(self, user_id: int, workshop_id: int, position: int, what: str,
                   who: str, due: str) -> None:
        """Store (or replace) the step and stop waiting for it, in one go."""
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO workshop_steps (workshop_id, position, what, who, due, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workshop_id, position) DO UPDATE SET"
                " what = excluded.what, who = excluded.who, due = excluded.due,"
                " updated_at = excluded.updated_at",
                (workshop_id, position, what, who, due, self._db.now()))
            await stop_awaiting(db, user_id, Awaited.WORKSHOP_STEP)

    async def remove(self, workshop_id: int, position: int) -> bool:
        return bool(await self._db.write(
            "DELETE FROM workshop_steps WHERE workshop_id = ? AND position = ?",
            (workshop_id, position)))

    async def earlier(self, user_id: int, workshop: Workshop
                      ) -> tuple[Workshop, list[Step]] | None:
        """The steps of the latest earlier workshop of the same municipality that the person
        coordinates (or co-coordinates), if it agreed on any."""
        row = await self._db.row(
            "SELECT w.* FROM workshops w WHERE w.id < ? AND LOWER(w.municipality) = LOWER(?)"
            " AND (w.created_by = ? OR EXISTS (SELECT 1 FROM workshop_coordinators c"
            "  WHERE c.workshop_id = w.id AND c.user_id = ?))"
            " AND EXISTS (SELECT 1 FROM workshop_steps s WHERE s.workshop_id = w.id)"
            " ORDER BY w.id DESC LIMIT 1",
            (workshop.id, workshop.municipality, user_id, user_id))
        if row is None:
            return None
        return workshop_from_row(row), await self.of(row["id"])
