"""Queries about released workshop results: what counts, and the releases themselves.

Every view of a workshop's result shows a stored release, never the live
aggregate (see :mod:`bot.domain.workshop_release`). A release keeps the shown
numbers and, for its successor only, a marker per counted answer; deleting a
person blanks their markers (a trigger, see migration 6).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.entities import Contribution, Release
from bot.store.connection import Database

Marker = tuple[int | None, str, str, str | None]  # person, perspective, statement, answer


class Releases:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def contributions(self, workshop_id: int) -> list[Contribution]:
        """Every participant's answers in their latest run that counts, without names.

        A run counts while active, once finished, and when the workshop's
        closing ended it (its ``finished_at`` is the closing time); a run the
        person cancelled does not.
        """
        rows = await self._db.rows(
            "SELECT p.user_id, p.perspective, a.statement_id, a.choice,"
            " (w.created_by = p.user_id OR EXISTS (SELECT 1 FROM workshop_coordinators c"
            "  WHERE c.workshop_id = w.id AND c.user_id = p.user_id)) AS coordinator"
            " FROM workshop_participants p JOIN workshops w ON w.id = p.workshop_id"
            " JOIN runs r ON r.id = (SELECT MAX(x.id) FROM runs x WHERE x.workshop_id = w.id"
            "  AND x.user_id = p.user_id AND (x.status IN ('active', 'finished')"
            "  OR (x.status = 'cancelled' AND x.finished_at = w.closed_at)))"
            " JOIN answers a ON a.run_id = r.id"
            " WHERE p.workshop_id = ? AND p.perspective IS NOT NULL ORDER BY p.user_id",
            (workshop_id,))
        found: dict[int, Contribution] = {}
        for row in rows:
            found.setdefault(row["user_id"], Contribution(
                row["user_id"], row["perspective"], bool(row["coordinator"]), {})
            ).answers[row["statement_id"]] = row["choice"]
        return list(found.values())

    async def latest(self, workshop_id: int) -> Release | None:
        row = await self._db.row(
            "SELECT r.*, (SELECT COUNT(*) FROM workshop_releases o WHERE o.workshop_id ="
            " r.workshop_id AND o.id <= r.id) AS number FROM workshop_releases r"
            " WHERE r.workshop_id = ? ORDER BY r.id DESC LIMIT 1", (workshop_id,))
        if row is None:
            return None
        return Release(id=row["id"], number=row["number"], kind=row["kind"],
                       released_at=row["released_at"], result=row["result"])

    async def markers(self, release_id: int) -> list[Marker]:
        """(person or None, perspective, statement, answer or None) of a release's counted answers."""
        rows = await self._db.rows(
            "SELECT user_id, perspective, statement_id, choice FROM workshop_release_markers"
            " WHERE release_id = ?", (release_id,))
        return [(row["user_id"], row["perspective"], row["statement_id"], row["choice"])
                for row in rows]

    async def save(self, workshop_id: int, after: int | None, kind: str, result: str,
                   markers: Iterable[Marker]) -> bool:
        """Store a release if the latest one is still ``after`` (None: none yet).

        A repeated tap finds a newer release and stores nothing. Only the newest
        release's markers are needed, so the earlier ones go.
        """
        async with self._db.transaction() as db:
            async with db.execute("SELECT MAX(id) FROM workshop_releases WHERE workshop_id = ?",
                                  (workshop_id,)) as cursor:
                latest = await cursor.fetchone()
            if (latest[0] if latest else None) != after:
                return False
            cursor = await db.execute(
                "INSERT INTO workshop_releases (workshop_id, kind, released_at, result)"
                " VALUES (?, ?, ?, ?)", (workshop_id, kind, self._db.now(), result))
            release_id = cursor.lastrowid
            await db.execute(
                "DELETE FROM workshop_release_markers WHERE release_id IN"
                " (SELECT id FROM workshop_releases WHERE workshop_id = ? AND id < ?)",
                (workshop_id, release_id))
            await db.executemany(
                "INSERT INTO workshop_release_markers"
                " (release_id, user_id, perspective, statement_id, choice) VALUES (?, ?, ?, ?, ?)",
                [(release_id, *marker) for marker in markers])
        return True
