"""How a tap's reply reaches the person: the answer to the tap and the edit go out together."""

from __future__ import annotations

from tests.conftest import BotHarness
from tests.test_conversation import stored_answers

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def test_an_expired_tap_still_shows_the_next_statement(bot: BotHarness) -> None:
    # After a long delay (e.g. the bot was down) Telegram refuses to answer the tap;
    # the answer is stored all the same, and the person sees where it goes on.
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    for _ in range(2):  # the reply to the tap, and the error handler's second attempt
        bot.api.fail_next("answerCallbackQuery", 400, TOO_OLD)
    await anna.tap("B · Trifft eher zu")
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert "Ihre Antwort zu 1.1: B – Trifft eher zu" in anna.last.text
    assert await stored_answers(bot.database) == {"eins-01": "B"}


async def test_every_tap_gets_one_answer_and_one_edit(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    before = len(bot.api.calls)
    await anna.tap("A · Trifft zu")
    assert sorted(c.method for c in bot.api.calls[before:]) == ["answerCallbackQuery",
                                                                 "editMessageText"]
