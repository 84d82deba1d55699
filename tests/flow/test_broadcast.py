"""Bulk notifications: paced at Telegram's 30 messages per second, robust to 429 and 403."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import ExtBot

from bot.bench.fake_bot_api import FakeBotAPI
from bot.flows.outcome import Reply
from bot.telegram.broadcast import Broadcaster
from tests.conftest import BotHarness
from tests.stories import latest_link, release, set_up, take_part

BOT_SETTINGS = {"min_group": 3}  # told with the smallest group size the setting allows


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_sharing_with_a_big_workshop_keeps_to_30_messages_per_second(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(3):
        await take_part(bot.person(100 + i, f"P{i}"), payload, "Politik", "AAAAAAA")
    for i in range(37):  # joined, not (yet) answering: they get the result all the same
        await bot.person(200 + i, f"J{i}").send(f"/start {latest_link(chris)}")
    await release(chris)
    await chris.tap("📤 Ergebnis teilen")
    assert "an 40 Teilnehmer*innen senden" in chris.last.text
    await chris.tap("Ja, Ergebnis senden")
    assert "an 40 von 40 Teilnehmer*innen gesendet" in chris.last.text
    bulk = [c.at for c in bot.api.calls_to("sendMessage")
            if int(c.params["chat_id"]) != chris.id and "Die Moderation teilt mit Ihnen" in c.params["text"]]
    assert len(bulk) == 40
    assert most_in_one_second(bulk) <= 31  # evenly spaced: one every 1/30 s
    assert bulk[-1] - bulk[0] >= 39 / 30 - 0.05


@pytest.fixture
async def plain_bot() -> AsyncIterator[tuple[ExtBot[None], FakeBotAPI]]:
    """A bot without the application's rate limiter, so every 429 reaches the broadcaster."""
    api = FakeBotAPI()
    bot: ExtBot[None] = ExtBot("123456:TEST-TOKEN", request=api)
    await bot.initialize()
    yield bot, api
    await bot.shutdown()


async def test_flood_control_is_waited_out_and_blocked_people_are_skipped(
        plain_bot: tuple[ExtBot[None], FakeBotAPI]) -> None:
    bot, api = plain_bot
    api.blocked.add(12)
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    report = await Broadcaster(bot).deliver((11, 12, 13, 14), (Reply("Teil 1"), Reply("Teil 2")))
    # 11: first try is 429, waited out, then "chat not found" -> unreachable; 12 blocked
    assert (report.delivered, report.unreachable) == (2, 2)
    assert [m.text for m in api.chat(13)] == ["Teil 1", "Teil 2"]
    assert [m.text for m in api.chat(14)] == ["Teil 1", "Teil 2"]
    tries = [c for c in api.calls_to("sendMessage") if int(c.params["chat_id"]) == 11]
    assert len(tries) == 2 and tries[1].at - tries[0].at >= 1.0


async def test_a_person_who_keeps_hitting_flood_control_is_given_up_the_rest_continue(
        plain_bot: tuple[ExtBot[None], FakeBotAPI]) -> None:
    bot, api = plain_bot
    for _ in range(2):
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    report = await Broadcaster(bot, attempts=2).deliver((21, 22), (Reply("Ergebnis"),))
    assert (report.delivered, report.unreachable) == (1, 1)
    assert api.chat(21) == [] and [m.text for m in api.chat(22)] == ["Ergebnis"]


async def test_a_group_chat_is_never_sent_a_notice(
        plain_bot: tuple[ExtBot[None], FakeBotAPI]) -> None:
    bot, api = plain_bot
    group = -4_000_000_000_123  # a negative chat id is a Telegram group's, never a person's
    report = await Broadcaster(bot).deliver((31, group), (Reply("Ergebnis"),))
    assert (report.delivered, report.unreachable) == (1, 1)
    assert [int(c.params["chat_id"]) for c in api.calls_to("sendMessage")] == [31]


async def test_a_message_that_may_have_arrived_is_not_sent_twice(
        plain_bot: tuple[ExtBot[None], FakeBotAPI]) -> None:
    bot, api = plain_bot
    api.fail_network("sendMessage", "read_timeout", after_effect=True)  # sent, answer lost
    api.fail_network("sendMessage", "connect")  # never left: sent again
    report = await Broadcaster(bot).deliver((31, 32), (Reply("Ergebnis"),))
    assert (report.delivered, report.unreachable) == (2, 0)
    assert [m.text for m in api.chat(31)] == ["Ergebnis"]
    assert [m.text for m in api.chat(32)] == ["Ergebnis"]
