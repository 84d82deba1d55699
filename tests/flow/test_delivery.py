"""How a tap's reply reaches the person: the answer to the tap and the edit go out together."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from bot.flows import results_view
from bot.output.workers import in_drawing_process
from tests.conftest import BotHarness
from tests.stories import stored_answers

T = TypeVar("T")
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


async def test_the_last_answer_is_confirmed_before_the_chart_is_drawn(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    # Drawing the chart may take a moment when many finish together: the tap is
    # answered and the statement turns into the closing note first, then the summary
    # with its chart follows.
    calls_when_drawn: list[list[str]] = []

    async def drawing(function: Callable[..., T], *args: object) -> T:
        calls_when_drawn.append([call.method for call in bot.api.calls[before:]])
        return await in_drawing_process(function, *args)

    monkeypatch.setattr(results_view, "in_drawing_process", drawing)
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    for choice in ("A", "B", "C", "D", "A", "B"):
        await anna.tap(f"{choice} · ")
    before = len(bot.api.calls)
    await anna.tap("C · ")
    assert [sorted(methods) for methods in calls_when_drawn] == [
        ["answerCallbackQuery", "editMessageText"]]
    methods = [call.method for call in bot.api.calls[before:]]
    assert methods[2:] == ["sendPhoto", "sendMessage"]
    assert [m.kind for m in anna.chat[-2:]] == ["photo", "text"]
    assert any("Geschafft" in m.text for m in anna.chat[:-2])
