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


async def finished(bot: BotHarness):  # noqa: ANN201 - a Person
    anna = await started(bot)
    for choice in "ABCCCAA":
        await anna.tap(f"{choice} · ")
    return anna


async def test_a_question_during_the_name_prompt_is_not_taken_as_the_name(bot: BotHarness) -> None:
    anna = await finished(bot)
    await anna.tap("Bericht als PDF")
    assert "Wie heißt Ihre Kommune?" in (anna.last.text or "")
    await anna.send("Wie lange dauert das noch?")
    assert "klingt nach einer Frage" in (anna.last.text or "")
    assert not [m for m in anna.chat if m.kind == "document"]
    await anna.send("Stadt Musterstadt")
    assert "Stadt Musterstadt" in (anna.chat[-2].text or "")
    assert anna.last.kind == "document" and "Stadt-Musterstadt" in (anna.last.file_name or "")


async def test_a_sentence_is_only_the_name_when_the_person_says_so(bot: BotHarness) -> None:
    anna = await finished(bot)
    await anna.tap("Bericht als PDF")
    await anna.send("Ich bin aus Musterstadt")
    assert "Als Namen Ihrer Kommune übernehmen?" in (anna.last.text or "")
    await anna.tap("Ja, als Namen übernehmen")
    assert anna.last.kind == "document" and "Ich-bin-aus-Musterstadt" in (anna.last.file_name or "")


async def test_going_back_to_answering_ends_the_wait_for_the_name(bot: BotHarness) -> None:
    anna = await started(bot)
    for choice in "ABC":
        await anna.tap(f"{choice} · ")
    await anna.send("/bericht")
    assert "Wie heißt Ihre Kommune?" in (anna.last.text or "")
    await anna.tap("A · Trifft zu")  # back to the open statement instead
    await anna.send("Neustadt")
    assert not [m for m in anna.chat if m.kind == "document"]
    assert answerable(anna.last)  # a hint, and the open statement again
    await anna.send("/bericht")
    assert "Wie heißt Ihre Kommune?" in (anna.last.text or "")  # still not named


async def test_pause_offers_to_go_on_and_a_short_break_is_no_welcome_back(bot: BotHarness) -> None:
    anna = await started(bot)
    await anna.tap("A · Trifft zu")
    await anna.tap("Pause")
    paused = anna.last
    assert "Ihre Antwort ist gespeichert" in (paused.text or "")  # one answer, singular
    await anna.tap("▶️ Weitermachen", paused)
    assert anna.last is paused and answerable(paused)  # the statement is back in its place
    assert "Es gibt ein Integrationskonzept mit Zielen." in (paused.text or "")
    await anna.send("/weiter")
    note = anna.chat[-2].text or ""
    assert "Willkommen zurück" not in note and "1 von 7 Aussagen beantwortet" in note
    assert "noch etwa 2 Minuten" in note  # six statements left
    assert sum(answerable(m) for m in anna.chat) == 1


async def test_keeping_ones_data_names_the_next_step(bot: BotHarness) -> None:
    anna = await finished(bot)
    await anna.send("/loeschen")
    await anna.tap("Nein, Daten behalten")
    assert "/ergebnis" in (anna.last.text or "") and "/weiter" not in (anna.last.text or "")


def test_fixed_button_labels_fit_a_phone(renderer: Renderer) -> None:
    """About 32 characters fit a button on a 360-dp screen; labels with a name vary."""
    import tomllib

    from bot.resources import REPORTS_DIR

    def labels(table: dict[str, object], prefix: str = "") -> dict[str, str]:
        found: dict[str, str] = {}
        for key, value in table.items():
            if isinstance(value, dict):
                found.update(labels(value, f"{prefix}{key}."))
            elif ".button" in f".{prefix}{key}" and "{{" not in str(value):
                found[f"{prefix}{key}"] = str(value)
        return found

    with (REPORTS_DIR / "texts.toml").open("rb") as handle:
        fixed = labels(tomllib.load(handle))
    assert len(fixed) > 30
    assert {key: label for key, label in fixed.items() if len(label) > 32} == {}


async def test_the_first_statement_of_a_field_has_its_introduction_behind_info(
        bot: BotHarness) -> None:
    anna = await started(bot)
    first = anna.last
    assert "Wie die Kommune ihre Integrationsarbeit lenkt." not in (first.text or "")
    await anna.tap("ℹ️ Erläuterung", first)
    assert "Gemeint ist ein förmlicher Beschluss des Rates." in (first.text or "")
    assert "Handlungsfeld 1 von 3: Steuerung & Strategie" in (first.text or "")
    assert answerable(first)


async def test_the_welcome_says_what_it_is_and_one_field_can_be_answered_alone(
        bot: BotHarness) -> None:
    jo = bot.person(77, "Jo")
    await jo.send("/start")
    welcome = jo.last.text or ""
    for part in ("kein Ranking", "7 Aussagen aus 3 Handlungsfeldern", "Minuten", "/datenschutz",
                 "Workshop", "nicht Ihr Name"):
        assert part in welcome, part
    assert len(welcome) < 1200  # a few lines, not a manual
    await jo.tap("🧩 Nur ein Handlungsfeld")
    await jo.tap("2 · Öffnung (2)")
    assert "Feld 2 · 1/2 · gesamt 0/2" in (jo.last.text or "")
    await jo.tap("B · ")
    await jo.tap("C · ")
    summary = jo.last.text or ""
    assert "2. Öffnung & Vielfalt\nAuf gutem Weg · 50 %" in summary
    assert "Steuerung" not in summary and "Teilhabe" not in summary  # only what was answered
