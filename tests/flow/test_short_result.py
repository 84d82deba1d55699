"""Stories about the short result in the chat: it fits a phone, the full text is one tap away."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.bench.fake_bot_api import StoredMessage
from bot.domain.highlights import first_sentence
from bot.domain.questionnaire import Questionnaire
from bot.output.render import MESSAGE_LIMIT, Renderer, visible_length
from tests.conftest import BotHarness, Person
from tests.stories import labels


@pytest.fixture
async def full_bot(tmp_path: Path, full_questionnaire: Questionnaire,
                   renderer: Renderer) -> AsyncIterator[BotHarness]:
    async with BotHarness(tmp_path / "bot.db", full_questionnaire, renderer) as harness:
        yield harness


async def answer_all(person: Person, choices: Iterator[str]) -> None:
    """Tap through the whole self-check, one answer per statement shown."""
    await person.send("/start")
    await person.tap("beginnen")
    while any(f"{key} · " in label for key in "ABCDE" for label in labels(person.last)):
        await person.tap(f"{next(choices)} · ", person.last)


def summary_messages(person: Person) -> list[StoredMessage]:
    """The text messages after the chart."""
    chart = max(i for i, m in enumerate(person.chat) if m.kind == "photo")
    return [m for m in person.chat[chart + 1:] if m.kind == "text"]


MIXES = {  # answers in order, repeated
    "all A": "A",
    "typical": "BCBCBABCDBCEBC",
    "all C and D": "CD",
    "all E": "E",
}


@pytest.mark.parametrize("mix", MIXES)
async def test_the_result_of_a_full_check_fits_in_two_messages_without_splitting_a_field(
        full_bot: BotHarness, full_questionnaire: Questionnaire, mix: str) -> None:
    anna = full_bot.person()
    await answer_all(anna, itertools.cycle(MIXES[mix]))
    messages = summary_messages(anna)
    assert 1 <= len(messages) <= 2
    for field in full_questionnaire.fields:
        heading = f"\n{field.number}. {field.title}\n"
        holding = [m for m in messages if heading in f"\n{m.text}"]
        assert len(holding) == 1, field.title  # each field whole in exactly one message
    # the level in words comes first, then the percentage
    text = "\n".join(m.text or "" for m in messages)
    if mix == "all A":
        assert "Etablierte Stärke · 100 %" in text
    if mix == "all E":
        assert text.count("\nZu wenige Einschätzungen\n") == len(full_questionnaire.fields)
    assert labels(messages[-1])[-2:] == ["📄 Bericht als PDF", "✏️ Antworten ändern"]
    assert all(len(label) <= 32 for label in labels(messages[-1]))


def test_even_the_longest_block_of_every_field_leaves_the_result_in_two_messages(
        full_questionnaire: Questionnaire, renderer: Renderer) -> None:
    """The bound behind "any mix of answers": every field at its longest at once."""
    from bot.domain.scoring import score_field
    from bot.output.render import pack_blocks

    scale = full_questionnaire.scale
    steps = sorted(full_questionnaire.statements, key=lambda s: -len(first_sentence(s.suggestion)))
    blocks = [renderer.html("summary.html.j2", run=_Finished(), previous="31.12.2026",
                            planned=[], steps=[("7.12", s, first_sentence(s.suggestion))
                                               for s in steps[:3]])]
    for field in full_questionnaire.fields:
        result = score_field(field, {s.id: "D" for s in field.statements}, scale)
        longest = sorted(field.statements, key=lambda s: -len(s.text + first_sentence(s.suggestion)))
        sentence = max((first_sentence(a) for a in field.assessments.values()), key=len)
        blocks.append(renderer.html(
            "summary_field.html.j2", result=result, scale=scale, shown=True,
            change=renderer.text("results.change_down", delta=100, date="31.12.2026",
                                 previous=100),
            sentence=sentence, highlights=[(s, first_sentence(s.suggestion)) for s in longest[:2]],
            button=renderer.text("results.button.field_detail", field=field)))
    blocks.append(renderer.html("summary_footer.html.j2"))
    parts = pack_blocks(blocks)
    assert len(parts) <= 2, [visible_length(p) for p in parts]
    assert all(visible_length(p) <= MESSAGE_LIMIT for p in parts)


class _Finished:
    status = "finished"


async def test_a_fields_full_text_opens_in_place_and_leads_back(
        full_bot: BotHarness, full_questionnaire: Questionnaire) -> None:
    anna = full_bot.person()
    await answer_all(anna, itertools.cycle("CD"))
    last = anna.last
    short = last.text
    field = full_questionnaire.fields[2]  # the largest field: its full text takes pages
    await anna.tap(f"🔎 3 · {field.short_title}", last)
    assert anna.last is last  # nothing new sent: the message changed in place
    assert field.assessments["starting"] in (last.text or "")
    assert "Anregungen zur Weiterarbeit" in (last.text or "")
    seen = last.text or ""
    while "Weitere Aussagen ▶️" in labels(last):
        await anna.tap("Weitere Aussagen ▶️", last)
        assert "Seite" in (last.text or "")
        seen += last.text or ""
    for statement in field.statements:  # every suggestion, with its statement's text
        assert statement.text in seen and statement.suggestion in seen
    await anna.tap("◀️ Zurück zum Überblick", last)
    assert last.text == short
    assert "🔎 1 · Steuerung" in labels(last)
