"""Updates the library cannot read, and getUpdates failing, as a real bot process meets them.

Each test starts ``python -m bot`` against the fake Bot API server
(tests/fake_bot_server.py); every wait is bounded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bench.fake_bot_api import BOT_USER
from bot.flows.actions import Answer
from bot.flows.buttons import encode
from tests import updates
from tests.bot_process import BotProcess
from tests.conftest import write_questionnaire
from tests.fake_bot_server import FakeBotServer

BEA = updates.user(5001, "Bea")
SENDER = updates.user(5002, "Umfrage-Absender")
# A message carrying a poll without the fields PTB 22 requires (options, counts …),
# as a newer or changed Bot API could send it: PTB cannot decode it.
BROKEN_POLL = {"poll": {"id": "poll-1", "question": "Wer kommt zum Workshop?"}}


@pytest.fixture
def server() -> Iterator[FakeBotServer]:
    with FakeBotServer() as fake:
        yield fake


def start_bot(server: FakeBotServer, tmp_path: Path) -> BotProcess:
    questions = write_questionnaire(tmp_path / "questions")
    bot = BotProcess(server, tmp_path / "bot.db", questions, tmp_path / "bot.log").start()
    bot.wait_until_polling()
    return bot


def test_an_unreadable_update_is_skipped_once_and_everybody_else_is_answered(
        server: FakeBotServer, tmp_path: Path) -> None:
    bot = start_bot(server, tmp_path)
    try:
        sender_chat = updates.private_chat(SENDER)
        poison = server.push(updates.message_update(
            updates.message(SENDER, sender_chat, None, **BROKEN_POLL)))
        server.push(updates.message_update(
            updates.message(BEA, updates.private_chat(BEA), "/start")))
        server.wait_for(lambda: bool(server.api.chat(BEA["id"])), 20, "the answer to Bea")
        calls = server.get_updates_calls
        time.sleep(1.5)  # polling goes on at its usual pace, not in a tight loop
        calls_after = server.get_updates_calls - calls
        acknowledged = server.acknowledged
        output = bot.output()
    finally:
        bot.stop_if_running()
    assert acknowledged > poison, "the unreadable update was never acknowledged"
    assert calls_after < 10, f"{calls_after} getUpdates calls in 1.5 s"
    assert server.api.chat(SENDER["id"]) == []
    skipped = [line for line in output.splitlines() if "could not be read" in line]
    assert len(skipped) == 1, output
    assert f"update_id={poison}" in skipped[0]
    assert "Traceback" not in output and "Wer kommt" not in output, output  # no raw data


@pytest.mark.parametrize("odd", [{"chat": None}, {"data": 17}], ids=["chat-null", "data-number"])
def test_an_odd_answer_tap_does_not_stop_polling(
        server: FakeBotServer, tmp_path: Path, odd: dict[str, object]) -> None:
    bot = start_bot(server, tmp_path)
    try:
        shown = updates.message(BOT_USER, updates.private_chat(SENDER), "Aussage")
        tap = updates.callback_update(SENDER, encode(Answer(1, "eins-01", "A")), shown)
        query = tap["callback_query"]
        query["data"] = odd.get("data", query["data"])
        query["message"]["chat"] = odd.get("chat", shown["chat"])
        odd_tap = server.push(tap)
        server.push(updates.message_update(
            updates.message(BEA, updates.private_chat(BEA), "/start")))
        server.wait_for(lambda: bool(server.api.chat(BEA["id"])), 20, "the answer to Bea")
        server.wait_for(lambda: server.acknowledged > odd_tap, 10, "the odd tap acknowledged")
    finally:
        bot.stop_if_running()


def test_the_bot_asks_only_for_the_update_types_it_handles(
        server: FakeBotServer, tmp_path: Path) -> None:
    bot = start_bot(server, tmp_path)
    try:
        server.wait_for(lambda: server.allowed_updates is not None, 10, "a getUpdates call")
        asked = server.allowed_updates
    finally:
        bot.stop_if_running()
    assert sorted(asked or ()) == ["callback_query", "message"]


def test_failing_get_updates_is_one_short_log_line_not_a_traceback_each_time(
        server: FakeBotServer, tmp_path: Path) -> None:
    server.get_updates_failure = (409, "Conflict: terminated by other getUpdates request; "
                                       "make sure that only one bot instance is running")
    bot = start_bot(server, tmp_path)
    try:
        server.wait_for(lambda: server.get_updates_calls >= 3, 20, "three failed getUpdates")
        output = bot.output()
    finally:
        bot.stop_if_running()
    failed = [line for line in output.splitlines() if "getUpdates failed" in line]
    assert len(failed) == 1, output
    assert "Conflict" in failed[0]
    assert "Traceback" not in output, output
