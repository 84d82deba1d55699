"""The dispatcher: each recipient through their stored channel, everybody counted once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.entities import Channel
from bot.flows.delivery import Dispatcher
from bot.flows.outcome import Broadcast, BroadcastReport, Reply
from bot.store.storage import Storage
from tests.clock import SettableClock


class Recording:
    """A channel's part that reaches everybody it is handed, or fails as a whole."""

    def __init__(self, fails: bool = False) -> None:
        self.handed: list[tuple[int, ...]] = []
        self.fails = fails

    async def deliver(self, people: tuple[int, ...],
                      replies: tuple[Reply, ...]) -> BroadcastReport:
        self.handed.append(people)
        if self.fails:
            raise ConnectionError("the channel is down")
        return BroadcastReport(delivered=len(people), unreachable=0)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "d.db", SettableClock())
    yield storage
    await storage.close()


async def people_of_both_channels(storage: Storage) -> tuple[int, int, int, int]:
    for telegram_person in (11, 12):
        await storage.people.ensure_user(telegram_person)
    first, _ = await storage.web_sessions.create_person()
    second, _ = await storage.web_sessions.create_person()
    return 11, first, 12, second


async def test_each_channel_gets_its_own_people_in_order_and_nobody_twice(
        storage: Storage) -> None:
    telegram, browser = Recording(), Recording()
    dispatcher = Dispatcher(storage.people)
    dispatcher.add(Channel.TELEGRAM, telegram)
    dispatcher.add(Channel.BROWSER, browser)
    t1, b1, t2, b2 = await people_of_both_channels(storage)
    gone = 99  # deleted meanwhile: nobody can reach them
    report = await dispatcher.send(Broadcast((t1, b1, gone, t2, b2), lambda: (Reply("Ergebnis"),)))
    assert telegram.handed == [(t1, t2)] and browser.handed == [(b1, b2)]
    assert (report.delivered, report.unreachable) == (4, 1)


async def test_people_of_a_channel_that_does_not_run_here_count_as_not_reached(
        storage: Storage) -> None:
    browser = Recording()
    dispatcher = Dispatcher(storage.people)  # the browser alone, no bot
    dispatcher.add(Channel.BROWSER, browser)
    t1, b1, t2, b2 = await people_of_both_channels(storage)
    report = await dispatcher.send(Broadcast((t1, b1, t2, b2), lambda: (Reply("Erinnerung"),)))
    assert browser.handed == [(b1, b2)]
    assert (report.delivered, report.unreachable) == (2, 2)


async def test_a_failing_channel_keeps_neither_the_others_nor_the_report_from_the_sender(
        storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = Dispatcher(storage.people)
    dispatcher.add(Channel.TELEGRAM, Recording(fails=True))
    dispatcher.add(Channel.BROWSER, browser := Recording())
    t1, b1, t2, b2 = await people_of_both_channels(storage)
    report = await dispatcher.send(Broadcast((t1, b1, t2, b2), lambda: (Reply("Gelöscht"),)))
    assert browser.handed == [(b1, b2)]
    assert (report.delivered, report.unreachable) == (2, 2)
    assert "could not be delivered through the telegram channel" in caplog.text
