"""Answer taps set aside from getUpdates before PTB decodes them.

The suite's harness hands every update over the way polling does (set aside),
so all conversation, idempotency and failure tests run answer taps on this
path; these tests pin down which updates take it and that per-person order
holds on it under concurrent processing.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from telegram import Update

from bot.bench.fake_bot_api import FakeBotAPI
from bot.domain.questionnaire import Questionnaire
from bot.flows.actions import Answer, Begin
from bot.flows.buttons import encode
from bot.output.render import Renderer
from bot.telegram.answer_taps import RAW_KEY, AnswerTap, set_aside_update, tap_of
from bot.telegram.delivery import Tapped
from tests.conftest import BotHarness, started
from tests.stories import notices, stored

MESSAGE = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"},
           "text": "Aussage", "reply_markup": {"inline_keyboard": []}}
USER = {"id": 42, "is_bot": False, "first_name": "Anna"}


def _tap(update_id: int, data: str, chat_type: str = "private") -> dict[str, object]:
    message = {**MESSAGE, "chat": {"id": 42, "type": chat_type}}
    return {"update_id": update_id, "callback_query": {
        "id": f"q{update_id}", "from": USER, "chat_instance": "1", "data": data,
        "message": message}}


def test_only_answer_taps_in_private_chats_are_set_aside() -> None:
    answer = encode(Answer(3, "eins-01", "B"))
    updates = [_tap(1, answer), _tap(2, encode(Begin())), _tap(3, answer, "group"),
               {"update_id": 4, "message": {**MESSAGE, "from": USER}}, _tap(5, "a:kaputt")]
    result = [set_aside_update(update) for update in updates]
    assert result[0] == {"update_id": 1, RAW_KEY: AnswerTap(42, 42, Tapped("q1", 7),
                                                            Answer(3, "eins-01", "B"))}
    assert all(after is before for after, before in zip(result[1:], updates[1:], strict=True))


def test_a_tap_that_cannot_be_read_is_left_as_it_is() -> None:
    answer = encode(Answer(3, "eins-01", "B"))
    no_chat = _tap(1, answer)
    no_chat["callback_query"]["message"] = {**MESSAGE, "chat": None}  # type: ignore[index]
    odd_data = _tap(2, answer)
    odd_data["callback_query"]["data"] = 17  # type: ignore[index]
    for update in (no_chat, odd_data, {"update_id": 3, "callback_query": "kaputt"}):
        assert set_aside_update(update) is update


def test_a_set_aside_tap_is_decoded_once_into_the_typed_answer() -> None:
    update = Update.de_json(set_aside_update(_tap(9, encode(Answer(3, "eins-01", "B")))), None)
    assert update.callback_query is None  # PTB built no object tree for it
    tap = tap_of(update)
    assert tap is not None
    assert (tap.person, tap.chat_id, tap.tapped.query_id, tap.tapped.message_id) == (42, 42, "q9", 7)
    assert tap.action == Answer(3, "eins-01", "B")


async def test_racing_set_aside_taps_of_one_person_record_one_answer(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    # As test_idempotency's race, with the taps as polling hands them over now.
    async with BotHarness(tmp_path / "race.db", small_questionnaire, renderer,
                          FakeBotAPI(latency=0.02)) as bot:
        anna = await started(bot)
        data_a, message = anna.button("A · Trifft zu")
        data_d, _ = anna.button("D · Trifft nicht zu", message)
        await bot.app.start()
        try:
            for data in (data_a, data_d):
                raw = set_aside_update(anna.callback_update(data, message))
                assert RAW_KEY in raw
                await bot.app.update_queue.put(Update.de_json(raw, bot.app.bot))
            deadline = time.monotonic() + 10
            while len(notices(anna)) < 2:
                assert time.monotonic() < deadline, "the taps were not answered"
                await asyncio.sleep(0.01)
        finally:
            await bot.app.stop()
        answers, runs = await stored(bot.database)
        assert answers in ({"eins-01": "A"}, {"eins-01": "D"}) and runs == ["active"]
        assert notices(anna)[1] == "Diese Aussage ist bereits beantwortet. Hier geht es weiter."
