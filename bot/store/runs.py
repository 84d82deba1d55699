"""Queries about runs through the questionnaire and their answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import aiosqlite

from bot.domain.entities import Awaited, Run
from bot.store.connection import Database
from bot.store.people import ensure_user

_SET_CURRENT = "UPDATE users SET current_run = ? WHERE user_id = ?"
# Only where it changes: a person's every answer would otherwise rewrite their row.
_MARK_CURRENT = ("UPDATE users SET current_run = ?1"
                 " WHERE user_id = (SELECT user_id FROM runs WHERE id = ?1)"
                 " AND current_run IS NOT ?1")
_END_NAME_WAIT = (f"DELETE FROM pending_inputs WHERE awaited = '{Awaited.REPORT_NAME.value}'"
                  " AND user_id = (SELECT user_id FROM runs WHERE id = ?)")


def ids(text: str | None) -> tuple[str, ...] | None:
    """A comma-separated selection of fields; ``None`` (all fields) when empty."""
    return tuple(text.split(",")) if text else None


def run_from_row(row: aiosqlite.Row) -> Run:
    return Run(id=row["id"], user_id=row["user_id"], workshop_id=row["workshop_id"],
               field_ids=ids(row["field_ids"]), status=row["status"], cursor=row["cursor"],
               started_at=row["started_at"], finished_at=row["finished_at"])


@dataclass(frozen=True)
class _Answer:
    run_id: int
    statement_id: str
    choice: str
    finishes: bool
    at: str


class Runs:
    """A person's runs, personal and in workshops, and the answers given in them."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._answers = database.group_commit(_write_answers)

    async def run(self, run_id: int) -> Run | None:
        row = await self._db.row("SELECT * FROM runs WHERE id = ?", (run_id,))
        return run_from_row(row) if row else None

    async def run_with_answers(self, run_id: int) -> tuple[Run, dict[str, str]] | None:
        """The run and its answers in one trip to the database: every tap needs both."""
        rows = await self._db.rows("SELECT r.*, a.statement_id AS answered, a.choice AS answer"
                                   " FROM runs AS r LEFT JOIN answers AS a ON a.run_id = r.id"
                                   " WHERE r.id = ?", (run_id,))
        if not rows:
            return None
        return run_from_row(rows[0]), {row["answered"]: row["answer"] for row in rows
                                       if row["answered"] is not None}

    async def active_run(self, user_id: int, workshop_id: int | None = None) -> Run | None:
        row = await self._db.row(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'active'",
            (user_id, workshop_id))
        return run_from_row(row) if row else None

    async def finished_runs(self, user_id: int, workshop_id: int | None = None) -> list[Run]:
        """The person's finished runs, newest first."""
        rows = await self._db.rows(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'finished'"
            " ORDER BY id DESC", (user_id, workshop_id))
        return [run_from_row(row) for row in rows]

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
        selection = ",".join(field_ids) if field_ids is not None else None
        async with self._db.transaction() as db:
            await ensure_user(db, user_id, self._db.now())
            cursor = await db.execute(
                "INSERT INTO runs (user_id, workshop_id, field_ids, started_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (user_id, workshop_id, selection, self._db.now()))
            created = cursor.rowcount
            run = await self.active_run(user_id, workshop_id)
            assert run is not None, "an active run exists after insert-or-ignore"
            await db.execute(_SET_CURRENT, (run.id, user_id))
        return run, created > 0

    async def set_cursor(self, run_id: int, statement_id: str | None) -> None:
        async with self._db.transaction() as db:
            await db.execute("UPDATE runs SET cursor = ? WHERE id = ?", (statement_id, run_id))
            await db.execute(_MARK_CURRENT, (run_id,))

    async def active_runs(self, user_id: int) -> list[Run]:
        """Every open run of the person, personal and workshop ones.

        The run the person last worked on comes first (commands such as
        /weiter, /ergebnis and /bericht address it), then the others, newest first.
        """
        rows = await self._db.rows(
            "SELECT * FROM runs WHERE user_id = ? AND status = 'active'"
            " ORDER BY id IS (SELECT current_run FROM users WHERE user_id = ?) DESC, id DESC",
            (user_id, user_id))
        return [run_from_row(row) for row in rows]

    async def latest_finished_run(self, user_id: int) -> Run | None:
        """The person's most recently finished run, personal or in a workshop."""
        row = await self._db.row(
            "SELECT * FROM runs WHERE user_id = ? AND status = 'finished'"
            " ORDER BY finished_at DESC, id DESC LIMIT 1", (user_id,))
        return run_from_row(row) if row else None

    async def latest_finished_personal_run(self, user_id: int) -> Run | None:
        """The person's most recently finished self-check of their own (not a workshop's)."""
        row = await self._db.row(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS NULL"
            " AND status = 'finished' ORDER BY finished_at DESC, id DESC LIMIT 1", (user_id,))
        return run_from_row(row) if row else None

    async def previous_finished_run(self, run: Run) -> Run | None:
        """The same person's last finished run before ``run`` (never somebody else's)."""
        row = await self._db.row(
            "SELECT * FROM runs WHERE user_id = ? AND workshop_id IS ? AND status = 'finished'"
            " AND id < ? ORDER BY id DESC LIMIT 1",
            (run.user_id, run.workshop_id, run.id))
        return run_from_row(row) if row else None

    async def set_current_run(self, user_id: int, run_id: int) -> None:
        await self._db.write(_SET_CURRENT, (run_id, user_id))

    async def cancel_run(self, run_id: int) -> None:
        await self._db.write(
            "UPDATE runs SET status = 'cancelled', cursor = NULL, finished_at = ?"
            " WHERE id = ? AND status = 'active'", (self._db.now(), run_id))

    async def finish_run(self, run_id: int) -> None:
        """Close a run that has nothing left to answer (e.g. after a questionnaire update)."""
        await self._db.write(
            "UPDATE runs SET status = 'finished', cursor = NULL, finished_at = ?"
            " WHERE id = ? AND status = 'active'", (self._db.now(), run_id))

    # --- the next steps chosen from the suggestions ------------------------------------

    async def priorities(self, run_id: int) -> tuple[str, ...]:
        """The statements whose suggestions the person chose as next steps, in the order chosen."""
        rows = await self._db.rows("SELECT statement_id FROM priorities WHERE run_id = ?"
                                   " ORDER BY chosen_at, statement_id", (run_id,))
        return tuple(row["statement_id"] for row in rows)

    async def set_priority(self, run_id: int, statement_id: str, chosen: bool,
                           limit: int) -> bool:
        """Choose (or drop) a next step; ``False`` when ``limit`` are chosen already."""
        async with self._db.transaction() as db:
            if not chosen:
                await db.execute("DELETE FROM priorities WHERE run_id = ? AND statement_id = ?",
                                 (run_id, statement_id))
                return True
            cursor = await db.execute("SELECT statement_id FROM priorities WHERE run_id = ?",
                                      (run_id,))
            present = {row[0] for row in await cursor.fetchall()}
            if statement_id in present:
                return True
            if len(present) >= limit:
                return False
            await db.execute("INSERT INTO priorities (run_id, statement_id, chosen_at)"
                             " VALUES (?, ?, ?)", (run_id, statement_id, self._db.now()))
            return True

    async def choose_priorities(self, run_id: int, among: Iterable[str], chosen: Iterable[str],
                                limit: int) -> bool:
        """Of the suggestions ``among``, exactly ``chosen`` are next steps (those chosen before
        keep their place); ``False``, changing nothing, when that would make more than ``limit``."""
        among, chosen = set(among), set(chosen)
        async with self._db.transaction() as db:
            cursor = await db.execute("SELECT statement_id FROM priorities WHERE run_id = ?",
                                      (run_id,))
            present = {row[0] for row in await cursor.fetchall()}
            if len((present - among) | chosen) > limit:
                return False
            await db.executemany("DELETE FROM priorities WHERE run_id = ? AND statement_id = ?",
                                 [(run_id, s) for s in sorted((present & among) - chosen)])
            await db.executemany("INSERT INTO priorities (run_id, statement_id, chosen_at)"
                                 " VALUES (?, ?, ?)",
                                 [(run_id, s, self._db.now()) for s in sorted(chosen - present)])
            return True

    async def last_answered_at(self, run_id: int) -> str | None:
        """When the run's newest answer was given (``None``: none yet)."""
        row = await self._db.row("SELECT MAX(answered_at) AS at FROM answers WHERE run_id = ?",
                                 (run_id,))
        return None if row is None else row["at"]

    async def answers(self, run_id: int) -> dict[str, str]:
        rows = await self._db.rows("SELECT statement_id, choice FROM answers WHERE run_id = ?",
                                   (run_id,))
        return {row["statement_id"]: row["choice"] for row in rows}

    async def save_answer(self, run_id: int, statement_id: str, choice: str, *,
                          finishes: bool = False) -> None:
        """Store an answer, clear the "Zurück" cursor and, with ``finishes``, close the run.

        Committed before returning: the caller may confirm the answer as soon
        as this returns. Answers that arrive while a commit is under way are
        committed together in the next transaction (group commit).
        """
        await self._answers.submit(_Answer(run_id, statement_id, choice, finishes, self._db.now()))

    async def save_answers(self, run_id: int, choices: Mapping[str, str], *,
                           finishes: bool = False) -> None:
        """Store several answers of one run at once (a field page), all or none.

        One transaction, committed before returning, like :meth:`save_answer`;
        with ``finishes`` the same commit closes the run.
        """
        at = self._db.now()
        last = len(choices) - 1
        batch = [_Answer(run_id, statement_id, choice, finishes and index == last, at)
                 for index, (statement_id, choice) in enumerate(choices.items())]
        async with self._db.transaction() as db:
            await _write_answers(db, batch)

    async def change_answer(self, run_id: int, statement_id: str, choice: str) -> bool:
        """Change an answer already given; the run's status and cursor stay as they are.

        Returns whether there was such an answer: a review never answers an
        open statement, so it cannot finish a run behind the person's back.
        Nor does it change an answer in a closed workshop, whose result stands.
        """
        return bool(await self._db.write(
            "UPDATE answers SET choice = ?, answered_at = ?"
            " WHERE run_id = ? AND statement_id = ? AND NOT EXISTS (SELECT 1 FROM runs r"
            "  JOIN workshops w ON w.id = r.workshop_id"
            "  WHERE r.id = answers.run_id AND w.status = 'closed')",
            (choice, self._db.now(), run_id, statement_id)))


async def _write_answers(db: aiosqlite.Connection, batch: list[_Answer]) -> None:
    await db.executemany(
        "INSERT INTO answers (run_id, statement_id, choice, answered_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (run_id, statement_id)"
        " DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at",
        [(a.run_id, a.statement_id, a.choice, a.at) for a in batch])
    continuing = [(a.run_id,) for a in batch if not a.finishes]
    if continuing:
        await db.executemany("UPDATE runs SET cursor = NULL WHERE id = ? AND cursor IS NOT NULL",
                             continuing)
    finishing = [(a.at, a.run_id) for a in batch if a.finishes]
    if finishing:
        # Only an active run finishes: a workshop closed meanwhile has ended it.
        await db.executemany(
            "UPDATE runs SET cursor = NULL, status = 'finished', finished_at = ?"
            " WHERE id = ? AND status = 'active'", finishing)
    # The run answered last is the one /weiter continues (in batch order).
    await db.executemany(_MARK_CURRENT, [(a.run_id,) for a in batch])
    # Answering again ends a wait for the report's name, in the answer's own commit: a
    # message typed afterwards is not taken as the name.
    await db.executemany(_END_NAME_WAIT, [(a.run_id,) for a in batch])
