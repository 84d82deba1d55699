"""Updates not addressed to the bot by a person are ignored quietly, never answered."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests import updates
from tests.conftest import BotHarness

ANNA = updates.user(4711, "Anna")
CHANNEL = {"id": -1001234567890, "type": "channel", "title": "Neuigkeiten aus dem Rathaus"}


def sent_messages(bot: BotHarness) -> list[Any]:
    return [c for c in bot.api.calls if c.method.startswith("send")]


async def test_start_posted_in_a_channel_where_the_bot_is_admin_is_not_answered(
        bot: BotHarness) -> None:
    post = {"message_id": 77, "date": updates.DATE, "chat": CHANNEL, "sender_chat": CHANNEL,
            "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
    await bot.process({"update_id": updates.next_id(), "channel_post": post})
    await bot.process({"update_id": updates.next_id(), "channel_post": {**post, "text": "/hilfe"}})
    assert sent_messages(bot) == []


async def test_a_business_message_does_not_reach_the_free_text_handler(bot: BotHarness) -> None:
    """A customer writing to a business account the bot is connected to is not talking to it."""
    sent = {**updates.message(ANNA, updates.private_chat(ANNA), "Haben Sie heute geöffnet?"),
            "business_connection_id": "business-1"}
    await bot.process({"update_id": updates.next_id(), "business_message": sent})
    await bot.process({"update_id": updates.next_id(),
                       "business_message": {**sent, "text": "/start"}})
    assert sent_messages(bot) == []


async def test_a_private_message_without_sender_is_ignored_with_a_log_line(
        bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    sent = updates.message(ANNA, updates.private_chat(ANNA), "/start")
    del sent["from"]
    with caplog.at_level(logging.INFO):
        await bot.process(updates.message_update(sent))
    assert sent_messages(bot) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert any("without a sender" in r.getMessage() for r in caplog.records)
