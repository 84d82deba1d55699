"""One person flooding the bot does not slow down anybody else's reply."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from telegram import Update

from bot.flows.work_quota import REPORTS_PER_WINDOW, WorkQuota
from bot.output.fair_queue import requested_by
from bot.telegram.update_processor import PerUserUpdateProcessor
from tests import updates
from tests.conftest import BotHarness
from tests.stories import RUN_ONE, finish_a_run


def command_from(user_id: int, text: str) -> Update:
    person = updates.user(user_id, "Flut" if user_id == 1 else "Bea")
    sent = updates.message(person, updates.private_chat(person), text)
    return Update.de_json(updates.message_update(sent), None)


async def test_a_flooding_person_leaves_the_others_reply_prompt() -> None:
    """15 slow /bericht of one person (as if each made a PDF) and then Bea's /hilfe:
    Bea's answer comes at once, not after the flood, and the flood stays in order."""
    processor = PerUserUpdateProcessor(8)
    finished: list[int] = []

    async def slow_report(number: int) -> None:
        await asyncio.sleep(0.1)
        finished.append(number)

    async def quick_help() -> None:
        await asyncio.sleep(0)

    flood = [asyncio.create_task(processor.process_update(command_from(1, "/bericht"),
                                                          slow_report(n))) for n in range(15)]
    await asyncio.sleep(0)  # the flood has arrived and waits
    sent_at = time.monotonic()
    await processor.process_update(command_from(2, "/hilfe"), quick_help())
    help_took = time.monotonic() - sent_at
    assert processor.current_concurrent_updates <= 1  # the flood holds one slot, not eight
    await asyncio.gather(*flood)
    assert help_took < 0.3, f"Bea waited {help_took:.2f} s behind somebody else's flood"
    assert finished == list(range(15))  # one person's updates still strictly in order


async def test_beyond_the_waiting_limit_a_persons_updates_are_dropped_with_one_log_line(
        caplog: pytest.LogCaptureFixture) -> None:
    processor = PerUserUpdateProcessor(max_concurrent_updates=8, max_waiting_per_person=3)
    release = asyncio.Event()
    done: list[int] = []

    async def held(number: int) -> None:
        await release.wait()
        done.append(number)

    with caplog.at_level(logging.WARNING, logger="bot.telegram.update_processor"):
        tasks = [asyncio.create_task(processor.process_update(command_from(1, "/ergebnis"),
                                                              held(n))) for n in range(10)]
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*tasks)
    # The first runs, three wait their turn, the other six are dropped.
    assert done == [0, 1, 2, 3]
    assert len([r for r in caplog.records if "dropped" in r.getMessage()]) == 1


async def test_many_reports_in_a_minute_get_a_friendly_notice_others_still_get_theirs(
        bot: BotHarness) -> None:
    anna, bea = bot.person(4711, "Anna"), bot.person(4712, "Bea")
    for person in (anna, bea):
        await finish_a_run(person, RUN_ONE)
        await person.send("/bericht")
        await person.tap("Überspringen")  # the first report, without a name
        assert person.last.kind == "document"
    for _ in range(REPORTS_PER_WINDOW - 1):
        await anna.send("/bericht")
        assert anna.last.kind == "document"
    await anna.send("/bericht")
    assert anna.last.kind == "text"
    assert "mehrere Berichte" in (anna.last.text or "")
    assert "Sekunden" in (anna.last.text or "")
    await bea.send("/bericht")  # Bea's budget is her own
    assert bea.last.kind == "document"


def test_the_quota_frees_up_as_the_window_passes() -> None:
    now = [0.0]
    quota = WorkQuota(limit=2, window=60, clock=lambda: now[0])
    assert quota.take(1) is None and quota.take(1) is None
    now[0] = 15.0
    assert quota.take(1) == 45
    assert quota.take(2) is None  # somebody else
    now[0] = 60.0
    assert quota.take(1) is None


def test_throw_away_sessions_share_their_addresses_budget_a_room_has_enough() -> None:
    # Before: each new browser session was a new person with a budget of its own.
    now = [0.0]
    quota = WorkQuota(limit=5, window=60, clock=lambda: now[0], address_limit=30)
    with requested_by(address="198.51.100.7"):
        assert all(quota.take(session) is None for session in range(1, 31))  # a room of 30
        assert quota.take(31) == 60  # the next throw-away session waits
    with requested_by(address="192.0.2.1"):
        assert quota.take(99) is None  # another address has its own budget
    assert quota.take(4711) is None  # a Telegram person has no address, only their own budget
    now[0] = 60.0
    with requested_by(address="198.51.100.7"):
        assert quota.take(31) is None
