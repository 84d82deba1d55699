"""Queries about people: who is known, what the bot waits for them to type, their report's
name, their activity, and deleting them (on request and after the retention period).

Everything about a person hangs off their ``users`` row with ``ON DELETE
CASCADE`` (foreign keys are switched on for every connection), so deleting
that row deletes them completely; a checkpoint afterwards takes the deleted
data out of the write-ahead log as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone

import aiosqlite

from bot.domain.entities import Awaited, Channel, MunicipalityName, PendingInput
from bot.store.connection import Database, timestamp

# A typed message counts as the awaited input only this long after the question,
# whatever was asked: long enough for someone who answers after a meeting, short
# enough that a stray message days later is not taken for a name.
PENDING_INPUT_VALID = timedelta(hours=24)


_NEW_USER = ("INSERT INTO users (user_id, created_at, last_active_at) VALUES (?, ?, ?)"
             " ON CONFLICT DO NOTHING")


async def ensure_user(db: aiosqlite.Connection, user_id: int, at: str) -> None:
    """Within a transaction: the person is known from ``at`` on (whatever else it writes)."""
    await db.execute(_NEW_USER, (user_id, at, at))


async def await_input(db: aiosqlite.Connection, user_id: int, awaited: Awaited, moment: datetime,
                      run_id: int | None = None, *, workshop_id: int | None = None,
                      position: int | None = None, perspective: str | None = None) -> None:
    """Within a transaction: the person's next message is ``awaited`` (from ``moment`` on),
    replacing any earlier wait."""
    await db.execute(
        "INSERT INTO pending_inputs (user_id, awaited, run_id, workshop_id, position,"
        " perspective, since, until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET"
        " awaited = excluded.awaited, run_id = excluded.run_id,"
        " workshop_id = excluded.workshop_id, position = excluded.position,"
        " perspective = excluded.perspective,"
        " since = excluded.since, until = excluded.until, candidate = NULL",
        (user_id, awaited.value, run_id, workshop_id, position, perspective, timestamp(moment),
         timestamp(moment + PENDING_INPUT_VALID)))
    if awaited is not Awaited.WORKSHOP_NAME:  # a workshop still without its name is dropped
        await db.execute("DELETE FROM workshop_drafts WHERE user_id = ? AND municipality IS NULL",
                         (user_id,))


async def stop_awaiting(db: aiosqlite.Connection, user_id: int, awaited: Awaited) -> None:
    """Within a transaction: stop waiting for ``awaited`` (a wait for something else stays)."""
    await db.execute("DELETE FROM pending_inputs WHERE user_id = ? AND awaited = ?",
                     (user_id, awaited.value))


class People:
    """The people the bot knows and the state kept about each of them."""

    def __init__(self, database: Database, changed: Callable[[], None] = lambda: None) -> None:
        self._db = database
        # Told after a person is deleted or their language changes (the sessions kept in
        # memory name both).
        self._changed = changed
        # The day each person's activity was last noted by this process, so a
        # person's many taps a day cost one write, not one each.
        self._noted_on: dict[int, date] = {}

    async def ensure_user(self, user_id: int) -> None:
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())

    async def has_user(self, user_id: int) -> bool:
        return await self._db.row("SELECT 1 FROM users WHERE user_id = ?",
                                  (user_id,)) is not None

    async def channels(self, user_ids: Sequence[int]) -> dict[int, Channel]:
        """How each of these people is reached; a deleted person or an unknown channel is
        left out (nobody can reach them)."""
        rows = await self._db.rows(
            "SELECT u.user_id, u.channel FROM json_each(?) AS wanted"
            " JOIN users AS u ON u.user_id = wanted.value", (json.dumps(list(user_ids)),))
        known = {channel.value: channel for channel in Channel}
        return {row["user_id"]: known[row["channel"]] for row in rows if row["channel"] in known}

    # --- the language they read ------------------------------------------------------

    async def language(self, user_id: int) -> str | None:
        """The language the person chose; ``None`` if they never chose one."""
        row = await self._db.row("SELECT language FROM users WHERE user_id = ?", (user_id,))
        return None if row is None or row["language"] is None else str(row["language"])

    async def languages(self, user_ids: Sequence[int]) -> dict[int, str]:
        """The chosen language of each of these people who chose one."""
        rows = await self._db.rows(
            "SELECT u.user_id, u.language FROM json_each(?) AS wanted"
            " JOIN users AS u ON u.user_id = wanted.value WHERE u.language IS NOT NULL",
            (json.dumps(list(user_ids)),))
        return {row["user_id"]: str(row["language"]) for row in rows}

    async def choose_language(self, user_id: int, tag: str) -> None:
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            await db.execute("UPDATE users SET language = ? WHERE user_id = ?", (tag, user_id))
        self._changed()

    # --- what the bot waits for the person to type ----------------------------------

    async def await_input(self, user_id: int, awaited: Awaited, run_id: int | None = None, *,
                          workshop_id: int | None = None, position: int | None = None,
                          perspective: str | None = None) -> None:
        """Remember that the person's next message is ``awaited`` (kept across restarts)."""
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            await await_input(db, user_id, awaited, self._db.clock.now(), run_id,
                              workshop_id=workshop_id, position=position,
                              perspective=perspective)

    async def pending_input(self, user_id: int) -> PendingInput | None:
        """What the bot waits for, unless that wait has run out."""
        row = await self._db.row("SELECT * FROM pending_inputs WHERE user_id = ? AND until > ?",
                                 (user_id, self._db.now()))
        if row is None:
            return None
        return PendingInput(user_id=row["user_id"], awaited=Awaited(row["awaited"]),
                            run_id=row["run_id"], since=row["since"], until=row["until"],
                            workshop_id=row["workshop_id"], position=row["position"],
                            candidate=row["candidate"], perspective=row["perspective"])

    async def set_candidate(self, user_id: int, awaited: Awaited, candidate: str | None) -> None:
        """Keep a doubtful text while the person is asked whether it is what was awaited."""
        await self._db.write("UPDATE pending_inputs SET candidate = ? WHERE user_id = ?"
                             " AND awaited = ?", (candidate, user_id, awaited.value))

    async def stop_awaiting(self, user_id: int, awaited: Awaited) -> None:
        async with self._db.transaction() as db:
            await stop_awaiting(db, user_id, awaited)

    # --- the municipality's name for the report ------------------------------------

    async def municipality_name(self, user_id: int) -> MunicipalityName | None:
        row = await self._db.row("SELECT * FROM municipality_names WHERE user_id = ?",
                                 (user_id,))
        if row is None:
            return None
        return MunicipalityName(name=row["name"], decided=row["decided_at"] is not None)

    async def set_municipality_name(self, user_id: int, name: str | None) -> None:
        """Store the name (``None``: none), and stop waiting for it."""
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            await db.execute(
                "INSERT INTO municipality_names (user_id, name, decided_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
                " decided_at = excluded.decided_at", (user_id, name, self._db.now()))
            await stop_awaiting(db, user_id, Awaited.REPORT_NAME)

    # --- the message that shows the live statement ------------------------------------

    async def live_statement(self, user_id: int) -> int | None:
        """The message id of the person's live statement, as the channel last reported it."""
        row = await self._db.row("SELECT message_id FROM live_statements WHERE user_id = ?",
                                 (user_id,))
        return None if row is None else int(row["message_id"])

    async def set_live_statement(self, user_id: int, message_id: int | None) -> None:
        """Remember the message that now shows the live statement (``None``: none does)."""
        if message_id is None:
            await self._db.write("DELETE FROM live_statements WHERE user_id = ?", (user_id,))
            return
        at = self._db.now()
        async with self._db.transaction() as db:
            await db.execute(_NEW_USER, (user_id, at, at))
            await db.execute(
                "INSERT INTO live_statements (user_id, message_id) VALUES (?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET message_id = excluded.message_id",
                (user_id, message_id))

    # --- activity, deletion and retention --------------------------------------------

    async def touch(self, user_id: int) -> None:
        """Note that a known person was active today; at most one write per person and day."""
        moment = self._db.clock.now().astimezone(timezone.utc)
        if self._noted_on.get(user_id) == moment.date():
            return
        day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        await self._db.write(
            "UPDATE users SET last_active_at = ? WHERE user_id = ?"
            " AND (last_active_at IS NULL OR last_active_at < ?)",
            (timestamp(moment), user_id, timestamp(day_start)))
        if len(self._noted_on) > 100_000:  # a day's worth at most; keep memory flat
            self._noted_on.clear()
        self._noted_on[user_id] = moment.date()

    async def delete(self, user_id: int) -> bool:
        """Delete a person and, by ``ON DELETE CASCADE``, everything that refers to them.

        Gone from every file on disk when this returns (see
        :meth:`~bot.store.connection.Database.checkpoint`).
        """
        self._noted_on.pop(user_id, None)
        deleted = await self._db.write("DELETE FROM users WHERE user_id = ?", (user_id,)) > 0
        self._changed()
        await self._db.checkpoint()
        return deleted

    async def delete_inactive(self, inactive_for: timedelta) -> int:
        """Delete everyone whose last activity is older than ``inactive_for``; return how many."""
        cutoff = self._db.clock.now() - inactive_for
        deleted = await self._db.write(
            "DELETE FROM users WHERE IFNULL(last_active_at, created_at) < ?", (timestamp(cutoff),))
        self._changed()
        await self._db.checkpoint()
        return deleted
