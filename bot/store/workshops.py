"""Queries about workshops: setting one up, finding and managing them, their participants
and what may be shown of their answers (counts and anonymous responses, never names).

Everything that names a person references ``users(user_id) ON DELETE
CASCADE``, so deleting a person takes their answers out of every aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import aiosqlite

from bot.domain.entities import Awaited, Draft, Participant, Run, Workshop
from bot.domain.perspectives import PERSPECTIVES, Grouping
from bot.domain.workshop import PerspectiveProgress
from bot.store.connection import Database, timestamp
from bot.store.people import await_input, ensure_user, stop_awaiting
from bot.store.runs import ids, run_from_row


def workshop_from_row(row: aiosqlite.Row) -> Workshop:
    return Workshop(id=row["id"], token=row["token"], coordinator_token=row["coordinator_token"],
                    municipality=row["municipality"], field_ids=ids(row["field_ids"]),
                    status=row["status"], revision=row["revision"], created_by=row["created_by"],
                    created_at=row["created_at"], closed_at=row["closed_at"],
                    grouping=Grouping.from_stored(row["grouping"]))


def expected_from_text(text: str) -> dict[str, int]:
    """"politik=5,bildung=2": the people a coordinator expects per perspective."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {perspective: int(count) for perspective, count in pairs
            if perspective in PERSPECTIVES and count.isdigit()}


class Workshops:
    def __init__(self, database: Database) -> None:
        self._db = database

    # --- setting one up ------------------------------------------------------------

    async def draft(self, user_id: int) -> Draft | None:
        row = await self._db.row("SELECT * FROM workshop_drafts WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Draft(user_id=row["user_id"], municipality=row["municipality"],
                     field_ids=ids(row["field_ids"]) or (), created_at=row["created_at"],
                     grouping=Grouping.from_stored(row["grouping"]),
                     expected=expected_from_text(row["expected"]))

    async def start_draft(self, user_id: int, municipality: str | None,
                          field_ids: Iterable[str]) -> None:
        """Begin setting up a workshop; replaces an unfinished earlier draft.

        Without a municipality the person's next message is its name (the one
        pending input, replacing what else the bot waited for).
        """
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            await db.execute(
                "INSERT INTO workshop_drafts (user_id, municipality, field_ids, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " municipality = excluded.municipality, field_ids = excluded.field_ids,"
                " created_at = excluded.created_at, grouping = NULL, expected = ''",
                (user_id, municipality, ",".join(field_ids), self._db.now()))
            if municipality is None:
                await await_input(db, user_id, Awaited.WORKSHOP_NAME, self._db.clock.now())
            else:
                await stop_awaiting(db, user_id, Awaited.WORKSHOP_NAME)

    async def name_draft(self, user_id: int, municipality: str) -> bool:
        """Give a waiting draft its municipality; False when none is waiting."""
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "UPDATE workshop_drafts SET municipality = ?"
                " WHERE user_id = ? AND municipality IS NULL", (municipality, user_id))
            await stop_awaiting(db, user_id, Awaited.WORKSHOP_NAME)
            return bool(cursor.rowcount)

    async def set_draft_fields(self, user_id: int, field_ids: Iterable[str]) -> None:
        await self._db.write("UPDATE workshop_drafts SET field_ids = ? WHERE user_id = ?",
                             (",".join(field_ids), user_id))

    async def set_draft_grouping(self, user_id: int, grouping: Grouping) -> None:
        await self._db.write("UPDATE workshop_drafts SET grouping = ? WHERE user_id = ?",
                             (grouping.stored(), user_id))

    async def set_draft_expected(self, user_id: int, expected: dict[str, int]) -> None:
        """How many people the coordinator expects per perspective (none: left out)."""
        text = ",".join(f"{p}={expected[p]}" for p in PERSPECTIVES if expected.get(p))
        await self._db.write("UPDATE workshop_drafts SET expected = ? WHERE user_id = ?",
                             (text, user_id))

    async def drop_draft(self, user_id: int) -> None:
        async with self._db.transaction() as db:
            await db.execute("DELETE FROM workshop_drafts WHERE user_id = ?", (user_id,))
            await stop_awaiting(db, user_id, Awaited.WORKSHOP_NAME)

    async def create(self, user_id: int, token: str,
                     field_ids: Iterable[str] | None) -> Workshop | None:
        """Turn the person's named draft into a workshop, in one step.

        ``None`` when there is no named draft (a repeated tap on "create"), so
        a duplicated update never creates a second workshop.
        """
        selection = ",".join(field_ids) if field_ids is not None else None
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO workshops"
                " (token, municipality, field_ids, created_by, created_at, grouping)"
                " SELECT ?, municipality, ?, user_id, ?, grouping FROM workshop_drafts"
                " WHERE user_id = ? AND municipality IS NOT NULL",
                (token, selection, self._db.now(), user_id))
            if not cursor.rowcount:
                return None
            await db.execute("DELETE FROM workshop_drafts WHERE user_id = ?", (user_id,))
        return await self.by_token(token)

    # --- finding them and who may manage them ----------------------------------------

    async def workshop(self, workshop_id: int) -> Workshop | None:
        return await self._one("SELECT * FROM workshops WHERE id = ?", workshop_id)

    async def by_token(self, token: str) -> Workshop | None:
        return await self._one("SELECT * FROM workshops WHERE token = ?", token)

    async def by_coordinator_token(self, token: str) -> Workshop | None:
        return await self._one("SELECT * FROM workshops WHERE coordinator_token = ?", token)

    async def _one(self, sql: str, key: object) -> Workshop | None:
        row = await self._db.row(sql, (key,))
        return workshop_from_row(row) if row else None

    async def coordinated_by(self, user_id: int) -> list[Workshop]:
        """The workshops the person coordinates (created or co-coordinates), newest first."""
        rows = await self._db.rows(
            "SELECT * FROM workshops WHERE created_by = ? OR id IN"
            " (SELECT workshop_id FROM workshop_coordinators WHERE user_id = ?)"
            " ORDER BY id DESC", (user_id, user_id))
        return [workshop_from_row(row) for row in rows]

    async def is_coordinator(self, workshop_id: int, user_id: int) -> bool:
        return await self._db.row(
            "SELECT 1 FROM workshops WHERE id = ? AND created_by = ? UNION ALL"
            " SELECT 1 FROM workshop_coordinators WHERE workshop_id = ? AND user_id = ?",
            (workshop_id, user_id, workshop_id, user_id)) is not None

    async def coordinator_count(self, workshop_id: int) -> int:
        """The creator plus the co-coordinators."""
        row = await self._db.row(
            "SELECT 1 + COUNT(*) FROM workshop_coordinators WHERE workshop_id = ?",
            (workshop_id,))
        return int(row[0]) if row else 1

    async def offer_coordinator_token(self, workshop_id: int, token: str) -> str | None:
        """The unused co-coordinator invitation, ``token`` if there was none; ``None``: no workshop.

        An unused invitation is kept, so a repeated tap or update hands out
        the same link rather than silently voiding the one just sent.
        """
        await self._db.write("UPDATE workshops SET coordinator_token = ?"
                             " WHERE id = ? AND coordinator_token IS NULL", (token, workshop_id))
        workshop = await self.workshop(workshop_id)
        return workshop.coordinator_token if workshop else None

    async def renew_coordinator_token(self, workshop_id: int, revision: int, token: str) -> bool:
        """A new co-coordinator invitation at the confirmed revision; the unused one stops working."""
        return bool(await self._db.write(
            "UPDATE workshops SET coordinator_token = ?, revision = revision + 1"
            " WHERE id = ? AND revision = ?", (token, workshop_id, revision)))

    async def redeem_coordinator_token(self, workshop_id: int, token: str, user_id: int) -> bool:
        """Make the person a co-coordinator and use the invitation up; False if already used."""
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            cursor = await db.execute(
                "UPDATE workshops SET coordinator_token = NULL"
                " WHERE id = ? AND coordinator_token = ?", (workshop_id, token))
            if not cursor.rowcount:
                return False
            await db.execute(
                "INSERT INTO workshop_coordinators (workshop_id, user_id, added_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (workshop_id, user_id, self._db.now()))
        return True

    # --- managing them ---------------------------------------------------------------
    # Each change takes the revision the coordinator confirmed and bumps it, so a
    # repeated or outdated confirmation changes nothing.

    async def renew_token(self, workshop_id: int, revision: int, token: str) -> bool:
        return bool(await self._db.write(
            "UPDATE workshops SET token = ?, revision = revision + 1"
            " WHERE id = ? AND revision = ?", (token, workshop_id, revision)))

    async def close(self, workshop_id: int, revision: int) -> bool:
        """No more answers: the workshop closes and its unfinished runs end with it."""
        at = self._db.now()
        async with self._db.transaction() as db:
            cursor = await db.execute(
                "UPDATE workshops SET status = 'closed', closed_at = ?, revision = revision + 1"
                " WHERE id = ? AND revision = ? AND status = 'open'", (at, workshop_id, revision))
            if not cursor.rowcount:
                return False
            await db.execute(
                "UPDATE runs SET status = 'cancelled', cursor = NULL, finished_at = ?"
                " WHERE workshop_id = ? AND status = 'active'", (at, workshop_id))
        return True

    async def bump_revision(self, workshop_id: int, revision: int) -> bool:
        return bool(await self._db.write(
            "UPDATE workshops SET revision = revision + 1 WHERE id = ? AND revision = ?",
            (workshop_id, revision)))

    async def delete(self, workshop_id: int, revision: int) -> bool:
        """The workshop with everything in it: participants, co-coordinators, runs, answers."""
        return bool(await self._db.write("DELETE FROM workshops WHERE id = ? AND revision = ?",
                                         (workshop_id, revision)))

    # --- participants ------------------------------------------------------------------

    async def join(self, workshop_id: int, user_id: int) -> None:
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            await db.execute(
                "INSERT INTO workshop_participants (workshop_id, user_id, joined_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (workshop_id, user_id, self._db.now()))

    async def participant(self, workshop_id: int, user_id: int) -> Participant | None:
        row = await self._db.row(
            "SELECT * FROM workshop_participants WHERE workshop_id = ? AND user_id = ?",
            (workshop_id, user_id))
        if row is None:
            return None
        return Participant(workshop_id=row["workshop_id"], user_id=row["user_id"],
                           perspective=row["perspective"], joined_at=row["joined_at"])

    async def choose_perspective(self, workshop_id: int, user_id: int, perspective: str) -> bool:
        """Record the participant's perspective once; False if one was already chosen."""
        return bool(await self._db.write(
            "UPDATE workshop_participants SET perspective = ?"
            " WHERE workshop_id = ? AND user_id = ? AND perspective IS NULL",
            (perspective, workshop_id, user_id)))

    async def active_runs(self, workshop_id: int) -> list[Run]:
        rows = await self._db.rows(
            "SELECT * FROM runs WHERE workshop_id = ? AND status = 'active'", (workshop_id,))
        return [run_from_row(row) for row in rows]

    async def takes_part(self, user_id: int) -> bool:
        """Whether the person has joined any workshop."""
        return await self._db.row("SELECT 1 FROM workshop_participants WHERE user_id = ?",
                                  (user_id,)) is not None

    async def participant_ids(self, workshop_id: int) -> list[int]:
        """The participants who can be told something: a paper sheet's person cannot."""
        rows = await self._db.rows(
            "SELECT p.user_id FROM workshop_participants p WHERE p.workshop_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM paper_sheets s WHERE s.user_id = p.user_id)"
            " ORDER BY p.joined_at, p.user_id", (workshop_id,))
        return [row["user_id"] for row in rows]

    async def progress(self, workshop_id: int) -> list[PerspectiveProgress]:
        """Joined and finished participants per perspective: counts, never names."""
        rows = await self._db.rows(
            "SELECT p.perspective, COUNT(*) AS joined, SUM(EXISTS (SELECT 1 FROM runs r"
            "  WHERE r.workshop_id = p.workshop_id AND r.user_id = p.user_id"
            "  AND r.status = 'finished')) AS finished,"
            " SUM(EXISTS (SELECT 1 FROM paper_sheets s WHERE s.user_id = p.user_id)) AS on_paper"
            " FROM workshop_participants p WHERE p.workshop_id = ? GROUP BY p.perspective",
            (workshop_id,))
        return [PerspectiveProgress(row["perspective"], row["joined"], row["finished"],
                                    row["on_paper"]) for row in rows]

    # --- helping people finish ------------------------------------------------------

    async def unfinished_participant_ids(self, workshop_id: int) -> list[int]:
        """Participants without a finished run in the workshop, in the order they joined."""
        rows = await self._db.rows(
            "SELECT p.user_id FROM workshop_participants p WHERE p.workshop_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.workshop_id = p.workshop_id"
            "  AND r.user_id = p.user_id AND r.status = 'finished')"
            " ORDER BY p.joined_at, p.user_id", (workshop_id,))
        return [row["user_id"] for row in rows]

    async def claim_reminder(self, workshop_id: int, pause: timedelta) -> bool:
        """Note a reminder now, unless the last one is less than ``pause`` ago (then False).

        One statement decides, so two taps at once send one reminder.
        """
        moment = self._db.clock.now()
        return bool(await self._db.write(
            "UPDATE workshops SET reminded_at = ? WHERE id = ? AND status = 'open'"
            " AND (reminded_at IS NULL OR reminded_at <= ?)",
            (timestamp(moment), workshop_id, timestamp(moment - pause))))

    async def latest_run_of(self, user_id: int) -> tuple[Workshop, Run] | None:
        """The workshop of the person's latest workshop run, and that run (any status)."""
        row = await self._db.row(
            "SELECT r.* FROM runs r JOIN workshops w ON w.id = r.workshop_id"
            " WHERE r.user_id = ? ORDER BY r.id DESC LIMIT 1", (user_id,))
        if row is None:
            return None
        run = run_from_row(row)
        workshop = await self.workshop(run.workshop_id) if run.workshop_id else None
        return (workshop, run) if workshop else None

    async def co_coordinators(self, workshop_id: int) -> list[tuple[int, str]]:
        """(person, since when) of the workshop's co-coordinators, longest-serving first."""
        rows = await self._db.rows(
            "SELECT user_id, added_at FROM workshop_coordinators WHERE workshop_id = ?"
            " ORDER BY added_at, user_id", (workshop_id,))
        return [(row["user_id"], row["added_at"]) for row in rows]

    async def remove_co_coordinator(self, workshop_id: int, user_id: int) -> bool:
        return bool(await self._db.write(
            "DELETE FROM workshop_coordinators WHERE workshop_id = ? AND user_id = ?",
            (workshop_id, user_id)))

    async def reset_perspective(self, workshop_id: int, user_id: int) -> bool:
        """Forget the participant's perspective, only while they have not answered yet."""
        return bool(await self._db.write(
            "UPDATE workshop_participants SET perspective = NULL"
            " WHERE workshop_id = ? AND user_id = ? AND perspective IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM answers a JOIN runs r ON r.id = a.run_id"
            "  WHERE r.workshop_id = ? AND r.user_id = ?)",
            (workshop_id, user_id, workshop_id, user_id)))
