"""A new edition of the questionnaire meets runs begun under the one before."""

from __future__ import annotations

from pathlib import Path

from bot.domain.questionnaire import load_questionnaire
from bot.output.render import Renderer
from tests.conftest import BotHarness, Person
from tests.stories import pdf_text

FIRST_EDITION = Path(__file__).with_name("questionnaire_v1")
SECOND_EDITION = Path(__file__).with_name("questionnaire_v2")


async def shows_the_retired_answer(anna: Person, field: int, retired_text: str) -> None:
    """The answer (B) to a retired statement stays readable, with its kept text, uncounted:
    at the end of the field's review and in the PDF report."""
    note = next(m for m in anna.chat if f"Handlungsfeld {field} abgeschlossen" in (m.text or ""))
    await anna.tap(f"Antworten in Feld {field} ändern", note)
    await anna.tap("Weitere Aussagen ▶️")
    while "Weitere Aussagen ▶️" in str(anna.last.reply_markup):
        await anna.tap("Weitere Aussagen ▶️", anna.last)
    assert f"Aus früheren Fassungen (nicht mehr im Fragebogen, zählt nicht mit)\n– {retired_text}" \
        "\n→ B – Trifft eher zu" in anna.last.text
    await anna.send("/bericht")
    await anna.tap("Überspringen")
    text = pdf_text(anna.last)
    assert "Antworten zu Aussagen früherer Fassungen" in text
    assert " ".join(retired_text.split()) in text


async def test_a_run_begun_before_the_update_resumes_and_shows_its_results(
        tmp_path: Path, renderer: Renderer, full_questionnaire,  # noqa: ANN001
        nothing_went_wrong: None) -> None:
    first = load_questionnaire(FIRST_EDITION)
    assert first.statement("steuerung-04") is not None
    async with BotHarness(tmp_path / "u.db", first, renderer) as before:
        anna = before.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        for _ in range(4):  # steuerung-01 to -04; -04 is retired in the second edition
            await anna.tap("B · Trifft eher zu")
        assert ":steuerung-05:" in anna.button("A · Trifft zu")[0]
    assert "steuerung-04" in full_questionnaire.retired
    async with BotHarness(tmp_path / "u.db", full_questionnaire, renderer, before.api) as after:
        anna = after.person()
        await anna.send("/weiter")  # the retired steuerung-04 no longer counts
        assert f"Sie haben 3 von {len(full_questionnaire.statements)} Aussagen beantwortet" in anna.texts()[-2]
        assert "Die Kommune überprüft ihre Ziele für Integration und Vielfalt" in anna.last.text
        assert ":steuerung-13:" in anna.button("A · Trifft zu")[0]
        await anna.tap("A · Trifft zu")
        assert ":steuerung-05:" in anna.button("A · Trifft zu")[0]
        await anna.send("/ergebnis")
        shown = "".join(anna.texts()[-3:])
        field_size = len(full_questionnaire.fields[0].statements)
        assert f"1. Management & Steuerung\nNoch nicht abgeschlossen: 4 von {field_size} Aussagen " \
            "beantwortet." in shown
        for _ in range(field_size - 4):  # the rest of field 1
            await anna.tap("A · Trifft zu")
        await shows_the_retired_answer(anna, 1, full_questionnaire.retired["steuerung-04"].text)


async def test_a_run_begun_under_the_second_edition_resumes_under_the_third(
        tmp_path: Path, renderer: Renderer, full_questionnaire,  # noqa: ANN001
        nothing_went_wrong: None) -> None:
    second = load_questionnaire(SECOND_EDITION)
    assert second.statement("oeffnung-02") is not None and len(second.statements) == 102
    async with BotHarness(tmp_path / "u.db", second, renderer) as before:
        anna = before.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        for _ in range(13):  # all of field 1 in the second edition
            await anna.tap("A · Trifft zu")
        await anna.tap("A · Trifft zu")  # oeffnung-01
        assert ":oeffnung-02:" in anna.button("A · Trifft zu")[0]
        await anna.tap("B · Trifft eher zu")  # oeffnung-02, retired in the third edition
    assert "oeffnung-02" in full_questionnaire.retired
    async with BotHarness(tmp_path / "u.db", full_questionnaire, renderer, before.api) as after:
        anna = after.person()
        await anna.send("/weiter")  # field 1 gained steuerung-15; oeffnung-02 no longer counts
        total = len(full_questionnaire.statements)
        assert f"Sie haben 14 von {total} Aussagen beantwortet" in anna.texts()[-2]
        assert ":steuerung-15:" in anna.button("A · Trifft zu")[0]
        await anna.tap("A · Trifft zu")
        assert ":oeffnung-15:" in anna.button("A · Trifft zu")[0]
        for _ in range(len(full_questionnaire.field("oeffnung").statements) - 1):
            await anna.tap("A · Trifft zu")
        await shows_the_retired_answer(anna, 2, full_questionnaire.retired["oeffnung-02"].text)
