"""A use case that writes is one unit of work: when its last store call fails, nothing of it
is written, and the same tap afterwards writes all of it."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.store.storage import Storage
from tests.conftest import BotHarness
from tests.stories import latest_link, query, run_workshop, set_up, take_part


def storage_of(bot: BotHarness) -> Storage:
    storage: Storage = bot.app.bot_data.services.storage
    return storage


def failing_after(call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """The store call does its work, then fails, as a full disk would at the last step."""
    async def call_then_fail(*args: Any, **kwargs: Any) -> Any:
        await call(*args, **kwargs)
        raise sqlite3.OperationalError("disk I/O error")
    return call_then_fail


async def test_closing_a_workshop_settles_closes_and_releases_together_or_not_at_all(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    chris, _ = await run_workshop(bot)
    await take_part(bot.person(201, "Lia"), latest_link(chris), "Politik", "AB")  # still answering
    storage = storage_of(bot)
    before = await query(bot.database, "SELECT id, status FROM runs ORDER BY id")
    monkeypatch.setattr(storage.releases, "save", failing_after(storage.releases.save))
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    assert await query(bot.database, "SELECT status FROM workshops WHERE municipality ="
                       " 'Musterstadt'") == [("open",)]
    assert await query(bot.database, "SELECT id, status FROM runs ORDER BY id") == before
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_releases") == [(1,)]

    monkeypatch.undo()
    await chris.send("/workshop")
    await chris.tap("Musterstadt · ")
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    assert await query(bot.database, "SELECT status FROM workshops WHERE municipality ="
                       " 'Musterstadt'") == [("closed",)]
    assert ("cancelled",) in await query(bot.database, "SELECT status FROM runs WHERE user_id = 201")
    assert await query(bot.database, "SELECT kind FROM workshop_releases ORDER BY id") == [
        ("interim",), ("final",)]


async def test_beginning_writes_the_person_and_their_run_together_or_not_at_all(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    anna = bot.person()
    await anna.send("/start")
    users = await query(bot.database, "SELECT * FROM users")
    storage = storage_of(bot)
    # The run's first statement is read after the run is stored: fail there.
    monkeypatch.setattr(storage.runs, "answers", failing_after(storage.runs.answers))
    await anna.tap("beginnen")
    assert await query(bot.database, "SELECT * FROM runs") == []
    assert await query(bot.database, "SELECT * FROM users") == users

    monkeypatch.undo()
    await anna.tap("beginnen")
    assert await query(bot.database, "SELECT COUNT(*) FROM runs WHERE status = 'active'") == [(1,)]
    assert await query(bot.database, "SELECT current_run IS NOT NULL FROM users"
                       " WHERE user_id = 4711") == [(1,)]


async def test_a_run_is_started_in_one_transaction_of_the_store(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's own three writes (person, run, current run): the last one fails."""
    anna = bot.person()
    await anna.send("/start")
    users = await query(bot.database, "SELECT * FROM users")
    monkeypatch.setattr("bot.store.runs._SET_CURRENT", "UPDATE nowhere SET current_run = ?"
                        " WHERE user_id = ?")
    await anna.tap("beginnen")
    assert await query(bot.database, "SELECT * FROM runs") == []
    assert await query(bot.database, "SELECT * FROM users") == users


async def test_joining_a_workshop_writes_the_person_and_their_place_together_or_not_at_all(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = await set_up(bot.person(1, "Chris"))
    pia = bot.person(7, "Pia")
    storage = storage_of(bot)
    monkeypatch.setattr(storage.workshops, "join", failing_after(storage.workshops.join))
    await pia.send(f"/start {payload}")
    assert await query(bot.database, "SELECT * FROM workshop_participants") == []
    assert await query(bot.database, "SELECT * FROM users WHERE user_id = 7") == []

    monkeypatch.undo()
    await pia.send(f"/start {payload}")
    assert await query(bot.database, "SELECT user_id FROM workshop_participants") == [(7,)]


async def test_choosing_a_perspective_and_starting_the_run_go_together(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = await set_up(bot.person(1, "Chris"))
    pia = bot.person(7, "Pia")
    await pia.send(f"/start {payload}")
    storage = storage_of(bot)
    monkeypatch.setattr(storage.runs, "open_run", failing_after(storage.runs.open_run))
    await pia.tap("Politik")
    assert await query(bot.database, "SELECT perspective FROM workshop_participants") == [(None,)]
    assert await query(bot.database, "SELECT * FROM runs") == []

    monkeypatch.undo()
    await pia.tap("Politik")
    assert await query(bot.database, "SELECT perspective FROM workshop_participants") == [
        ("politik",)]
    assert await query(bot.database, "SELECT COUNT(*) FROM runs") == [(1,)]


async def test_deleting_a_person_is_done_entirely_or_not_at_all(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("A · ")
    await anna.send("/loeschen")
    storage = storage_of(bot)
    monkeypatch.setattr(storage.people, "delete", failing_after(storage.people.delete))
    await anna.tap("Ja, alle meine Daten löschen")
    assert await query(bot.database, "SELECT COUNT(*) FROM users") == [(1,)]
    assert await query(bot.database, "SELECT COUNT(*) FROM answers") == [(1,)]
    assert "gelöscht" not in (anna.last.text or "")

    monkeypatch.undo()
    await anna.tap("Ja, alle meine Daten löschen")
    assert await query(bot.database, "SELECT COUNT(*) FROM users") == [(0,)]
    assert await query(bot.database, "SELECT COUNT(*) FROM answers") == [(0,)]
