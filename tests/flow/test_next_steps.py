"""Stories about "Ihre nächsten Schritte": choosing up to three suggestions, kept with the run."""

from __future__ import annotations

from pathlib import Path

from bot.bench.fake_bot_api import FakeBotAPI
from bot.domain.questionnaire import Questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person, started
from tests.stories import labels, pdf_pages

ANSWERS = "DCCCDEE"  # field 1: 1.1 D, 1.2 C, 1.3 C; field 2: 2.1 C, 2.2 D; field 3: E, E


async def finish(bot: BotHarness) -> Person:
    anna = await started(bot)
    for choice in ANSWERS:
        await anna.tap(f"{choice} · ")
    await anna.send("/bericht")
    await anna.tap("Überspringen")  # the report's name, asked once
    return anna


async def test_three_next_steps_head_the_result_survive_a_restart_and_open_the_report(
        tmp_path: Path, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    api = FakeBotAPI()
    async with BotHarness(tmp_path / "s.db", small_questionnaire, renderer, api) as first:
        anna = await finish(first)
        await anna.send("/ergebnis")
        result = anna.last
        await anna.tap("⭐ Nächste Schritte wählen", result)
        assert "Wählen Sie bis zu drei Anregungen" in (result.text or "")
        assert labels(result)[:2] == ["1 · Steuerung (3)", "2 · Öffnung (2)"]
        await anna.tap("1 · Steuerung (3)", result)
        for number in ("1.1", "1.3"):
            await anna.tap(f"☆ {number}", result)
        await anna.tap("◀️ Nächste Schritte", result)
        await anna.tap("2 · Öffnung (2)", result)
        await anna.tap("☆ 2.2", result)
        await anna.tap("☆ 2.1", result)  # a fourth: refused, nothing changes
        assert "drei nächste Schritte" in (anna.notices()[-1] or "")
        assert "⭐ 2.2" in labels(result) and "☆ 2.1" in labels(result)
        assert "Gewählt: 3 von 3" in (result.text or "")
    async with BotHarness(tmp_path / "s.db", small_questionnaire, renderer, api) as second:
        anna = second.person()
        await anna.send("/ergebnis")
        text = anna.last.text or ""
        assert "⭐ Ihre nächsten Schritte\n1. 1.1 Bringen Sie einen Ratsbeschluss auf den Weg." in text
        assert "3. 2.2 Bieten Sie Fortbildungen an." in text
        await anna.send("/bericht")
        pages = pdf_pages(anna.last)
        steps = next(i for i, page in enumerate(pages) if "Ihre nächsten Schritte" in page)
        assert "Ihr Profil im Überblick" in pages[steps - 1]  # right after the overview
        for suggestion in ("Bringen Sie einen Ratsbeschluss auf den Weg.",
                           "Klären Sie die Zuständigkeiten im Verwaltungsvorstand.",
                           "Bieten Sie Fortbildungen an."):
            assert suggestion in pages[steps]
        assert "Wer?" in pages[steps] and "Bis wann?" in pages[steps]
        assert "Festlegung dieses Werkzeugs" in " ".join(pages)
        # short fields share a page instead of each opening a nearly empty one
        assert "Steuerung & Strategie" in pages[steps + 1]
        assert "Öffnung & Vielfalt" in pages[steps + 1]

        # changing the choice later: drop one, choose another
        await anna.send("/ergebnis")
        result = anna.last
        await anna.tap("⭐ Nächste Schritte wählen", result)
        await anna.tap("1 · Steuerung (3)", result)
        await anna.tap("⭐ 1.3", result)
        assert anna.notices()[-1] == "Aus den nächsten Schritten genommen: 1.3"
        await anna.tap("◀️ Nächste Schritte", result)
        assert "Klären Sie die Zuständigkeiten" not in (result.text or "")
        await anna.tap("◀️ Zurück zum Überblick", result)
        assert "⭐ Ihre nächsten Schritte" in (result.text or "")


async def test_a_new_run_shows_what_was_planned_last_time(bot: BotHarness) -> None:
    anna = await finish(bot)
    await anna.send("/ergebnis")
    await anna.tap("⭐ Nächste Schritte wählen", anna.last)
    await anna.tap("2 · Öffnung (2)", anna.last)
    await anna.tap("☆ 2.1", anna.last)
    await anna.send("/start")
    await anna.tap("Neuen Durchgang beginnen")
    for choice in "AAAAAAA":
        await anna.tap(f"{choice} · ")
    text = anna.last.text or ""
    assert "geplant\n1. 2.1 Überarbeiten Sie die Stellenanzeigen." in text
    assert "Was ist daraus geworden?" in text
