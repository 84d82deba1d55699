"""One tap, one answer: repeated updates, double taps and racing taps."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from telegram import Update

from bot.bench.fake_bot_api import FakeBotAPI
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person, started
from tests.stories import notices, stored


def statement_messages(anna: Person) -> list[str]:
    return [m.text or "" for m in anna.chat if m.reply_markup and "a:" in str(m.reply_markup)]


async def test_the_same_update_delivered_twice_records_one_answer(bot: BotHarness) -> None:
    anna = await started(bot)
    data, message = anna.button("A · Trifft zu")
    update = anna.callback_update(data, message)
    await bot.process(update)
    await bot.process(update)  # Telegram delivers it again, e.g. after a crash

    assert await stored(bot.database) == ({"eins-01": "A"}, ["active"])
    assert notices(anna)[0] == "Gespeichert: A – Trifft zu"
    # the message moved on once and shows statement 2; no second message appeared
    assert len(anna.chat) == 2
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert "gesamt 1/7" in anna.last.text


async def test_a_double_tap_records_one_answer_and_only_confirms_the_second(bot: BotHarness) -> None:
    anna = await started(bot)
    data, message = anna.button("B · Trifft eher zu")
    await anna.tap_data(data, message)
    await anna.tap_data(data, message)  # a second tap with its own query id

    assert await stored(bot.database) == ({"eins-01": "B"}, ["active"])
    assert notices(anna) == ["Gespeichert: B – Trifft eher zu",
                              "Bereits gespeichert: B – Trifft eher zu. Die nächste Aussage steht "
                              "im Chat, sonst hilft /weiter."]
    assert "Es gibt ein Integrationskonzept" in anna.last.text
    assert len(anna.chat) == 2


async def test_a_double_tap_that_completes_a_field_keeps_the_interim_note(bot: BotHarness) -> None:
    anna = await started(bot)
    await anna.tap("A · Trifft zu")
    await anna.tap("A · Trifft zu")
    data, message = anna.button("C · Trifft eher nicht zu")
    await anna.tap_data(data, message)
    await anna.tap_data(data, message)

    note = anna.chat[-2].text
    assert "Handlungsfeld 1 abgeschlossen" in note  # not overwritten by the second tap
    assert len(statement_messages(anna)) == 1, "the next statement must be sent once"
    assert "Feld 2 · 1/2" in anna.last.text
    assert (await stored(bot.database))[0] == {"eins-01": "A", "eins-02": "A", "eins-03": "C"}


async def test_a_double_tap_on_begin_starts_one_run_and_shows_one_statement(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    data, welcome = anna.button("beginnen")
    await anna.tap_data(data, welcome)
    await anna.tap_data(data, welcome)

    assert len(statement_messages(anna)) == 1
    assert notices(anna)[-1].startswith("Ihr Selbstcheck läuft bereits")
    assert await stored(bot.database) == ({}, ["active"])


async def test_two_taps_racing_with_concurrent_processing_record_one_answer(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    # A slow network keeps both taps in flight at the same time.
    async with BotHarness(tmp_path / "race.db", small_questionnaire, renderer,
                          FakeBotAPI(latency=0.02)) as bot:
        anna = await started(bot)
        data_a, message = anna.button("A · Trifft zu")
        data_d, _ = anna.button("D · Trifft nicht zu", message)
        assert bot.app.update_processor.max_concurrent_updates > 1  # concurrency is on
        await bot.app.start()
        try:
            for data in (data_a, data_d):  # the way updates arrive from Telegram
                await bot.app.update_queue.put(
                    Update.de_json(anna.callback_update(data, message), bot.app.bot))
            deadline = time.monotonic() + 10
            while len(notices(anna)) < 2:
                assert time.monotonic() < deadline, "the taps were not answered"
                await asyncio.sleep(0.01)
        finally:
            await bot.app.stop()
        answers, runs = await stored(bot.database)
        assert answers in ({"eins-01": "A"}, {"eins-01": "D"}) and runs == ["active"]
        saved = [n for n in notices(anna) if n.startswith("Gespeichert")]
        assert len(saved) == 1 and saved[0].endswith(answers["eins-01"] + " – " +
                                                     ("Trifft zu" if answers["eins-01"] == "A"
                                                      else "Trifft nicht zu"))
        assert notices(anna)[1] == "Diese Aussage ist bereits beantwortet. Hier geht es weiter."
        assert "gesamt 1/7" in anna.last.text


async def test_racing_taps_stay_consistent_even_without_per_person_ordering(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    """The core does not rely on the update processor: it serialises taps on a run itself."""
    async with BotHarness(tmp_path / "race2.db", small_questionnaire, renderer,
                          FakeBotAPI(latency=0.02)) as bot:
        anna = bot.person()
        await anna.send("/start")
        begin, welcome = anna.button("beginnen")
        await asyncio.gather(*(bot.process(anna.callback_update(begin, welcome)) for _ in range(3)))
        assert len(statement_messages(anna)) == 1
        data, message = anna.button("B · Trifft eher zu")
        taps = [anna.callback_update(data, message) for _ in range(4)]
        await asyncio.gather(*(bot.process(tap) for tap in taps))
        assert await stored(bot.database) == ({"eins-01": "B"}, ["active"])
        assert sum(n.startswith("Gespeichert") for n in notices(anna)) == 1
        assert "gesamt 1/7" in anna.last.text
