"""The workshop schema: migration of existing data and what deleting a person takes along."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.entities import Awaited, MunicipalityName
from bot.domain.perspectives import Grouping
from bot.store.people import PENDING_INPUT_VALID
from bot.store.schema import MIGRATIONS
from bot.store.storage import Storage
from tests.clock import SettableClock

TOKEN = "AbCdEfGhIjKlMnOpQrSt_-"


async def test_a_database_of_the_first_version_is_migrated_with_its_data(tmp_path: Path, clock: SettableClock) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.executescript("""
            INSERT INTO users (user_id, created_at) VALUES (7, '2024-01-01T00:00:00+00:00');
            INSERT INTO runs (user_id, started_at) VALUES (7, '2024-01-01T00:00:00+00:00');
            INSERT INTO answers VALUES (1, 'eins-01', 'B', '2024-01-01T00:00:00+00:00');
            PRAGMA user_version = 1;
        """)
    storage = await Storage.open(path, clock)
    try:
        assert await storage.schema_version() == len(MIGRATIONS)
        run = await storage.runs.active_run(7)
        assert run is not None and await storage.runs.answers(run.id) == {"eins-01": "B"}
        assert [r.id for r in await storage.runs.active_runs(7)] == [run.id]
    finally:
        await storage.close()


async def make_workshop(storage: Storage, creator: int) -> int:
    await storage.workshops.start_draft(creator, "Musterstadt", ("eins",))
    workshop = await storage.workshops.create(creator, TOKEN, ("eins",))
    assert workshop is not None
    return workshop.id


async def count(storage: Storage, table: str) -> int:
    async with storage.database.connection.execute(f"SELECT COUNT(*) FROM {table}") as cursor:  # noqa: S608
        row = await cursor.fetchone()
    return int(row[0])


async def test_deleting_a_participant_takes_their_answers_out_of_the_workshop(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "p.db", clock)
    try:
        ws = await make_workshop(storage, 1)
        for user in (2, 3):
            await storage.workshops.join(ws, user)
            await storage.workshops.choose_perspective(ws, user, "politik")
            run = await storage.runs.start_run(user, ("eins",), ws)
            await storage.runs.save_answer(run.id, "eins-01", "A", finishes=True)
        assert len(await storage.releases.contributions(ws)) == 2
        await storage.database.connection.execute("DELETE FROM users WHERE user_id = 2")
        assert [(c.perspective, c.answers) for c in await storage.releases.contributions(ws)] == [
            ("politik", {"eins-01": "A"})]
        assert [(c.joined, c.finished) for c in await storage.workshops.progress(ws)] == [(1, 1)]
    finally:
        await storage.close()


async def test_deleting_the_creator_deletes_the_workshop_with_its_runs_only(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "c.db", clock)
    try:
        ws = await make_workshop(storage, 1)
        assert await storage.workshops.offer_coordinator_token(ws, TOKEN[::-1]) == TOKEN[::-1]
        assert await storage.workshops.offer_coordinator_token(ws, TOKEN) == TOKEN[::-1]  # kept while unused
        assert await storage.workshops.redeem_coordinator_token(ws, TOKEN[::-1], 3)
        personal = await storage.runs.start_run(2)
        await storage.runs.save_answer(personal.id, "eins-01", "C")
        await storage.workshops.join(ws, 2)
        workshop_run = await storage.runs.start_run(2, ("eins",), ws)
        await storage.runs.save_answer(workshop_run.id, "eins-01", "A")
        assert [r.id for r in await storage.runs.active_runs(2)] == [workshop_run.id, personal.id]
        await storage.runs.save_answer(personal.id, "eins-02", "B")  # back to the personal check
        assert [r.id for r in await storage.runs.active_runs(2)] == [personal.id, workshop_run.id]
        await storage.runs.save_answer(workshop_run.id, "eins-02", "B")
        await storage.database.connection.execute("DELETE FROM users WHERE user_id = 1")
        for table in ("workshops", "workshop_participants", "workshop_coordinators"):
            assert await count(storage, table) == 0, table
        assert [r.id for r in await storage.runs.active_runs(2)] == [personal.id]
        assert await storage.runs.answers(workshop_run.id) == {}
        assert await storage.runs.answers(personal.id) == {"eins-01": "C", "eins-02": "B"}
        async with storage.database.connection.execute("SELECT current_run FROM users WHERE user_id = 2") as cursor:
            assert tuple(await cursor.fetchone()) == (None,)  # pointed at the deleted run
        assert await count(storage, "users") == 2  # participant and co-coordinator stay
    finally:
        await storage.close()


async def test_the_waits_for_a_name_become_one_pending_input_each(tmp_path: Path, clock: SettableClock) -> None:
    """Migration 5: who was waiting for a name still is, the newer of two waits wins."""
    path = tmp_path / "v4.db"
    recent = (clock.now() - timedelta(minutes=10)).isoformat(timespec="seconds")
    newer = (clock.now() - timedelta(minutes=5)).isoformat(timespec="seconds")
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:4]:
            db.executescript(script)
        db.executemany("INSERT INTO users (user_id, created_at) VALUES (?, ?)",
                       [(user, recent) for user in (1, 2, 3, 4)])
        db.execute("INSERT INTO runs (user_id, started_at) VALUES (1, ?)", (recent,))
        db.executemany(  # 1: report name awaited; 2: decided; 3 and 4 below
            "INSERT INTO municipality_names VALUES (?, ?, ?, ?, ?)",
            [(1, None, None, recent, 1), (2, "Altstadt", recent, None, None),
             (3, None, None, recent, None), (4, None, None, newer, None)])
        db.executemany(  # 3: the workshop's name asked later; 4: asked earlier
            "INSERT INTO workshop_drafts VALUES (?, NULL, 'eins', ?)", [(3, newer), (4, recent)])
        db.execute("PRAGMA user_version = 4")
    storage = await Storage.open(path, clock)
    try:
        waits = {user: await storage.people.pending_input(user) for user in (1, 2, 3, 4)}
        assert waits[1] is not None and (waits[1].awaited, waits[1].run_id) == (
            Awaited.REPORT_NAME, 1)
        assert waits[2] is None
        assert waits[3] is not None and waits[3].awaited is Awaited.WORKSHOP_NAME
        assert waits[4] is not None and waits[4].awaited is Awaited.REPORT_NAME
        assert await storage.people.municipality_name(2) == MunicipalityName("Altstadt", True)
        assert await storage.people.municipality_name(1) is None
        with sqlite3.connect(path) as db:
            columns = [row[1] for row in db.execute("PRAGMA table_info(municipality_names)")]
        assert columns == ["user_id", "name", "decided_at"]
    finally:
        await storage.close()


async def test_a_wait_for_a_name_runs_out_after_a_day(tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "w.db", clock)
    try:
        await storage.people.await_input(1, Awaited.REPORT_NAME)
        pending = await storage.people.pending_input(1)
        assert pending is not None
        since, until = (datetime.fromisoformat(t) for t in (pending.since, pending.until))
        assert since == clock.now() and until - since == PENDING_INPUT_VALID == timedelta(hours=24)
        clock.advance(timedelta(hours=23, minutes=59, seconds=59))
        assert await storage.people.pending_input(1) is not None
        clock.advance(timedelta(seconds=1))
        assert await storage.people.pending_input(1) is None
    finally:
        await storage.close()


async def test_a_workshop_from_before_the_grouping_choice_shows_each_perspective(
        tmp_path: Path, clock: SettableClock) -> None:
    path = tmp_path / "v10.db"
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:10]:
            db.executescript(script)
        db.executescript(f"""
            INSERT INTO users (user_id, created_at) VALUES (7, '2024-01-01T00:00:00+00:00');
            INSERT INTO users (user_id, created_at) VALUES (8, '2024-01-01T00:00:00+00:00');
            INSERT INTO workshops (token, municipality, created_by, created_at)
                VALUES ('{TOKEN}', 'Musterstadt', 7, '2024-01-01T00:00:00+00:00');
            INSERT INTO workshop_participants VALUES (1, 8, 'migration', '2024-01-01T00:00:00+00:00');
            INSERT INTO workshop_drafts (user_id, municipality, field_ids, created_at)
                VALUES (7, 'Beispielhausen', 'eins', '2024-01-01T00:00:00+00:00');
            PRAGMA user_version = 10;
        """)
    storage = await Storage.open(path, clock)
    try:
        workshop = await storage.workshops.by_token(TOKEN)
        assert workshop is not None and workshop.grouping == Grouping()
        participant = await storage.workshops.participant(workshop.id, 8)
        assert participant is not None and participant.perspective == "migration"
        draft = await storage.workshops.draft(7)
        assert draft is not None and draft.grouping == Grouping() and draft.expected == {}
        await storage.workshops.set_draft_grouping(7, Grouping.sectors())
        await storage.workshops.set_draft_expected(7, {"politik": 5, "bildung": 0, "migration": 2})
        draft = await storage.workshops.draft(7)
        assert draft is not None and draft.expected == {"politik": 5, "migration": 2}
        created = await storage.workshops.create(7, "B" * 22, ("eins",))
        assert created is not None and created.grouping == Grouping.sectors()
    finally:
        await storage.close()


async def test_a_reference_is_placed_once_at_the_consented_revision_and_goes_with_its_author(
        tmp_path: Path, clock: SettableClock) -> None:
    storage = await Storage.open(tmp_path / "r.db", clock)
    try:
        ws = await make_workshop(storage, 1)
        assert await storage.workshops.redeem_coordinator_token(
            ws, await storage.workshops.offer_coordinator_token(ws, TOKEN[::-1]) or "", 3)
        references = storage.references
        revision = (await storage.workshops.workshop(ws)).revision  # type: ignore[union-attr]
        assert not await references.place(ws, revision + 1, 3, {"eins-01": "A"}, "2026-12-01")
        assert await references.place(ws, revision, 3, {"eins-01": "A"}, "2026-12-01")
        # the same consent again, or another coordinator's on the screen seen before, is stale
        assert not await references.place(ws, revision, 1, {"eins-01": "D"}, "2026-12-02")
        assert not await references.place(ws, revision + 1, 1, {"eins-01": "D"}, "2026-12-02")
        placed = await references.of(ws)
        assert placed is not None and (placed.user_id, placed.answers) == (3, {"eins-01": "A"})
        assert not await references.withdraw(ws, revision + 1, 1)  # only its author withdraws
        await storage.database.connection.execute("DELETE FROM users WHERE user_id = 3")
        assert await references.of(ws) is None  # gone with the person, the workshop stays
        assert await count(storage, "workshops") == 1
        revision += 1
        assert await references.place(ws, revision, 1, {"eins-01": "D"}, "2026-12-02")
        assert await storage.workshops.close(ws, revision + 1)
        assert not await references.withdraw(ws, revision + 2, 1)  # fixed once closed
    finally:
        await storage.close()
