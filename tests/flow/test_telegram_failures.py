"""Telegram's failures: flood control, network errors, unchanged messages, blocked people."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import BotHarness, started
from tests.stories import stored_answers

ERROR_MESSAGE = "Das hat leider nicht geklappt. Ihre bisherigen Antworten sind sicher gespeichert."


def sent_texts(bot: BotHarness, chat_id: int = 4711) -> list[str]:
    return [c.params["text"] for c in bot.api.calls_to("sendMessage")
            if int(c.params["chat_id"]) == chat_id]


async def test_flood_control_is_waited_out_and_the_message_arrives(bot: BotHarness) -> None:
    anna = bot.person()
    bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await anna.send("/start")
    assert len(bot.api.calls_to("sendMessage")) == 2  # refused once, then sent
    assert len(anna.chat) == 1 and "Willkommen" in anna.last.text


async def test_flood_control_on_the_confirmation_still_confirms_the_answer(bot: BotHarness) -> None:
    anna = await started(bot)
    bot.api.fail_next("answerCallbackQuery", 429, "Too Many Requests: retry after 1", retry_after=1)
    await anna.tap("A · Trifft zu")
    assert "Gespeichert: A – Trifft zu" in anna.notices()
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert await stored_answers(bot.database) == {"eins-01": "A"}


async def test_a_connection_that_fails_before_sending_is_retried(bot: BotHarness) -> None:
    anna = bot.person()
    bot.api.fail_network("sendMessage", "connect")
    await anna.send("/start")
    assert len(anna.chat) == 1 and "Willkommen" in anna.last.text


async def test_an_edit_whose_response_was_lost_is_retried_without_harm(bot: BotHarness) -> None:
    anna = await started(bot)
    bot.api.fail_network("editMessageText", "read_timeout", after_effect=True)
    bot.api.fail_network("answerCallbackQuery", "disconnect")
    await anna.tap("B · Trifft eher zu")
    assert "Gespeichert: B – Trifft eher zu" in anna.notices()
    assert "Es gibt ein Integrationskonzept" in anna.last.text  # edited (once is enough)
    assert len(anna.chat) == 2
    assert await stored_answers(bot.database) == {"eins-01": "B"}


async def test_a_message_that_may_have_arrived_is_not_sent_twice(
        bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    anna = bot.person()
    bot.api.fail_network("sendMessage", "read_timeout", after_effect=True)
    await anna.send("/start")
    welcomes = [m for m in anna.chat if "Willkommen" in (m.text or "")]
    assert len(welcomes) == 1  # delivered once, not repeated on the timeout
    assert anna.last.text.startswith(ERROR_MESSAGE)
    assert any("error while handling an update" in r.getMessage() and "command=start" in
               r.getMessage() for r in caplog.records)


async def test_message_is_not_modified_is_ignored(bot: BotHarness,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    anna = await started(bot)
    data, message = anna.button("Erläuterung")
    await anna.tap_data(data, message)
    shown, edits = anna.last.text, len(bot.api.calls_to("editMessageText"))
    await anna.tap_data(data, message)  # the same edit again: Telegram says "not modified"
    assert len(bot.api.calls_to("editMessageText")) == edits + 1
    assert anna.last.text == shown and len(anna.chat) == 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_person_who_blocked_the_bot_breaks_nothing(bot: BotHarness,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    anna = await started(bot)
    ben = bot.person(4712, "Ben")
    bot.api.blocked.add(anna.id)
    await anna.tap("A · Trifft zu")  # the answer is saved; the edit is refused
    await anna.send("/weiter")
    assert len([c for c in bot.api.calls_to("sendMessage") if c.params["chat_id"] == anna.id]) \
        == 3, "after Forbidden the bot must not try to send an error message as well"
    assert any("blocked the bot" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await ben.send("/start")
    await ben.tap("beginnen")
    await ben.tap("C · Trifft eher nicht zu")
    assert "Es gibt ein Integrationskonzept" in ben.last.text
    assert await stored_answers(bot.database) == {"eins-01": "A"}


async def test_an_unexpected_failure_is_logged_with_context_and_explained(
        bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    anna = await started(bot)
    bot.api.fail_next("editMessageText", 500, "Internal Server Error")
    await anna.tap("D · Trifft nicht zu")
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage().startswith("error while handling an update: update_id=")
    assert "chat=private button action=a" in record.getMessage() and record.exc_info
    # the tap was already answered ("Gespeichert"), so the explanation comes as a message
    assert anna.last.text.startswith("Das hat leider nicht geklappt.")
    assert await stored_answers(bot.database) == {"eins-01": "D"}


async def test_an_answer_that_cannot_be_stored_is_never_confirmed(bot: BotHarness) -> None:
    anna = await started(bot)
    storage = bot.app.bot_data.services.storage
    await storage.database.connection.execute("PRAGMA query_only = ON")  # as with a full disk
    await anna.tap("A · Trifft zu")
    assert not any((n or "").startswith("Gespeichert") for n in anna.notices())
    assert anna.notices()[-1].startswith("Das hat leider nicht geklappt")
    assert "Der Rat hat einen Beschluss" in anna.last.text  # still the open statement
    await storage.database.connection.execute("PRAGMA query_only = OFF")
    assert await stored_answers(bot.database) == {}
