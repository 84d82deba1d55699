"""Sessions kept in memory never outlive what ends or changes them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store.storage import Storage
from tests.clock import SettableClock


@pytest.fixture
async def storage(tmp_path: Path, clock: SettableClock) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "s.db", clock)
    yield storage
    await storage.close()


async def test_a_kept_session_ends_with_its_person_its_move_and_the_retention(
        storage: Storage, clock: SettableClock) -> None:
    sessions = storage.web_sessions
    deleted, deleted_token = await sessions.create_person()
    moved, moved_token = await sessions.create_person()
    _, retired_token = await sessions.create_person()
    for token in (deleted_token, moved_token, retired_token):
        assert await sessions.session(token) is not None  # read, and kept
    await storage.people.delete(deleted)
    assert await sessions.session(deleted_token) is None
    new_token = await sessions.move(moved)
    assert new_token is not None
    assert await sessions.session(moved_token) is None
    assert await sessions.person_of(new_token) == moved
    assert await sessions.session(retired_token) is not None  # kept again
    clock.advance(timedelta(days=400))
    assert await storage.people.delete_inactive(timedelta(days=1)) == 2
    assert await sessions.session(retired_token) is None


async def test_a_kept_session_shows_a_new_language(storage: Storage) -> None:
    person, token = await storage.web_sessions.create_person()
    before = await storage.web_sessions.session(token)
    assert before is not None and before.language is None
    await storage.people.choose_language(person, "en")
    after = await storage.web_sessions.session(token)
    assert after is not None and after.language == "en"


async def test_a_read_overlapping_a_change_is_not_kept(storage: Storage) -> None:
    sessions = storage.web_sessions
    person, token = await sessions.create_person()
    reading = asyncio.create_task(sessions.session(token))
    await asyncio.sleep(0)  # the read is on its way to the database thread
    sessions.forget_known()  # as a change does once it has written
    assert await reading is not None  # it read before the change …
    # … and was not kept past it: a deletion the sessions are not told of is seen.
    await storage.database.write("DELETE FROM users WHERE user_id = ?", (person,))
    assert await sessions.session(token) is None
