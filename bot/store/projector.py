"""Which slide a workshop's projector shows now: the coordinator's phone moves it, the wall follows.

One row per workshop (its key is the workshop's id), written when somebody steps
through the slides and read by the wall while it waits for the next step.
"""

from __future__ import annotations

from bot.store.connection import Database


class ProjectorSlides:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def current(self, workshop_id: int) -> str | None:
        """The slide last stepped to; ``None`` before anybody stepped."""
        row = await self._db.row("SELECT slide FROM workshop_projector WHERE workshop_id = ?",
                                 (workshop_id,))
        return None if row is None else str(row["slide"])

    async def show(self, workshop_id: int, slide: str) -> None:
        await self._db.write(
            "INSERT INTO workshop_projector (workshop_id, slide, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (workshop_id) DO UPDATE SET slide = excluded.slide,"
            " updated_at = excluded.updated_at", (workshop_id, slide, self._db.now()))

    async def language(self, workshop_id: int) -> str | None:
        """The language the coordinator chose for the room; ``None``: theirs when they open it."""
        row = await self._db.row("SELECT language FROM workshop_projector WHERE workshop_id = ?",
                                 (workshop_id,))
        return None if row is None or row["language"] is None else str(row["language"])

    async def speak(self, workshop_id: int, tag: str, first_slide: str) -> None:
        """The room reads ``tag`` from now on; a wall not stepped yet starts at ``first_slide``."""
        await self._db.write(
            "INSERT INTO workshop_projector (workshop_id, slide, language, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (workshop_id) DO UPDATE SET"
            " language = excluded.language, updated_at = excluded.updated_at",
            (workshop_id, first_slide, tag, self._db.now()))
