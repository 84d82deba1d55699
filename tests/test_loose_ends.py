"""Stories about a conversation with no loose ends: one live statement, a name prompt that ends."""

from __future__ import annotations

from pathlib import Path

from bot.bench.fake_bot_api import FakeBotAPI, StoredMessage
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, started


def answerable(message: StoredMessage) -> bool:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return any("A · Trifft zu" in b["text"] for row in rows for b in row)


def copies_of(chat: list[StoredMessage], text: str) -> list[StoredMessage]:
    return [m for m in chat if text in (m.text or "")]


async def test_a_statement_sent_again_leaves_only_one_copy_with_buttons(bot: BotHarness) -> None:
    anna = await started(bot)
    await anna.tap("A · Trifft zu")
    statement = "Es gibt ein Integrationskonzept mit Zielen."
    for again in ("Wie lange dauert das?", "/hilfe", "/weiter", "/start"):
        await anna.send(again)
        copies = copies_of(anna.chat, statement)
        assert len(copies) >= 2, again
        assert [answerable(m) for m in copies] == [False] * (len(copies) - 1) + [True], again
    # answering the live copy goes on in place, as before
    await anna.tap("B · Trifft eher zu", anna.last)
    assert "Die Zuständigkeiten sind klar geregelt." in (anna.last.text or "")
    assert sum(answerable(m) for m in anna.chat) == 1


async def test_only_one_live_copy_after_a_restart(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "r.db", small_questionnaire, renderer, api) as first:
        anna = await started(first)
        await anna.tap("A · Trifft zu")
        before = anna.last
    async with BotHarness(tmp_path / "r.db", small_questionnaire, renderer, api) as second:
        anna = second.person()
        await anna.send("/weiter")
        assert not answerable(before)
        assert answerable(anna.last) and sum(answerable(m) for m in anna.chat) == 1


async def test_a_field_note_keeps_its_review_button_when_the_statement_moves_on(
        bot: BotHarness) -> None:
    anna = await started(bot)
    for choice in ("A", "B", "C"):
        await anna.tap(f"{choice} · ")
    note = anna.chat[-2]
    assert "Handlungsfeld 1 abgeschlossen" in (note.text or "")
    await anna.send("/weiter")
    assert note.reply_markup is not None  # the review button stays: the note is no statement
    assert sum(answerable(m) for m in anna.chat) == 1
