"""A field's level text claims nothing the answers do not show.

The texts for the four levels are written per field but read whatever the
answers were: for any statement, a run can reach any level with that statement
answered C or D. So no sentence that states a fact (not a suggestion in the
imperative, not a question) may name what a statement is about, and the
claims the texts do make ("die meisten Aussagen treffen zu") must follow from
the thresholds of the scale.
"""

from __future__ import annotations

import itertools
import re

import pytest

from bot.domain.questionnaire import Field, Questionnaire, Statement
from bot.domain.scoring import score_field
from bot.output.render import Renderer

LEVELS = ("established", "advanced", "developing", "starting")
# What every level text may name: the place, the people it is for, the field itself.
GENERIC = {"Kommune", "Verwaltung", "Menschen", "Einwanderungsgeschichte", "Einwohner*innen"}
_NOUN = re.compile(r"[A-ZÄÖÜ][\wäöüß*-]{5,}")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_IMPERATIVE = re.compile(r"^[A-ZÄÖÜ]\w+ Sie\b")
# For each level, the answer to the statement in question and to all others.
RUNS = {
    "established": (("D", "A"), ("C", "A")),
    "advanced": (("D", "B"), ("C", "B")),
    "developing": (("D", "C"), ("C", "C")),
    "starting": (("C", "D"), ("D", "D")),
}


def subject_words(field: Field, statement: Statement) -> set[str]:
    """The nouns that say what a statement is about (its first word and generic words aside)."""
    words = set(_NOUN.findall(statement.text.split(" ", 1)[1]))
    return words - GENERIC - set(re.findall(r"[\wäöüß]+", field.title))


def claims(text: str) -> list[str]:
    """The sentences of ``text`` that state something: no imperative, no question."""
    return [s for s in _SENTENCE.split(text) if not _IMPERATIVE.match(s) and not s.endswith("?")]


def test_no_level_text_claims_a_statement_answered_c_or_d(full_questionnaire: Questionnaire) -> None:
    scale = full_questionnaire.scale
    checked = 0
    for field in full_questionnaire.fields:
        for level, statement in itertools.product(LEVELS, field.statements):
            for mine, others in RUNS[level]:
                answers = {s.id: others for s in field.statements} | {statement.id: mine}
                result = score_field(field, answers, scale)
                assert result.level is not None and result.level.id == level, (field.id, level)
                assert statement in result.suggestions  # C and D bring the suggestion
                for sentence in claims(result.assessment):
                    named = {w for w in subject_words(field, statement)
                             if re.search(rf"\b{re.escape(w)}\b", sentence)}
                    assert not named, (field.id, level, statement.id, sentence)
                checked += 1
    assert checked == 2 * len(LEVELS) * len(full_questionnaire.statements)


def test_a_claim_that_would_name_a_statement_is_caught(full_questionnaire: Questionnaire) -> None:
    """The check above can fail: a level text that states an achievement is caught."""
    field = full_questionnaire.field("steuerung")
    assert field is not None
    statement = next(s for s in field.statements if s.id == "steuerung-09")
    claimed = "Ihre Kommune hat Ziele mit Kennzahlen hinterlegt. Prüfen Sie die Kennzahlen."
    assert [s for s in claims(claimed)
            if any(w in s for w in subject_words(field, statement))] == [
        "Ihre Kommune hat Ziele mit Kennzahlen hinterlegt."]


@pytest.mark.parametrize("rated", range(1, 21))
def test_the_majority_the_texts_speak_of_follows_from_the_thresholds(
        full_questionnaire: Questionnaire, rated: int) -> None:
    """„Die meisten Aussagen treffen zu oder eher zu“ (established), „… nicht oder eher
    nicht zu“ (starting) and „im Durchschnitt nahe bei …“ (advanced, developing) hold for
    every mix of answers that reaches the level."""
    scale = full_questionnaire.scale
    field = full_questionnaire.fields[2]
    statements = field.statements[:rated]
    for counts in itertools.product(range(rated + 1), repeat=3):
        a, b, c = counts
        if a + b + c > rated:
            continue
        keys = ["A"] * a + ["B"] * b + ["C"] * c + ["D"] * (rated - a - b - c)
        result = score_field(field, {s.id: k for s, k in zip(statements, keys)}, scale)
        assert result.level is not None
        if result.level.id == "established":
            assert a + b > rated - a - b
        if result.level.id == "starting":
            assert rated - a - b > a + b
        nearest = {2: "Trifft eher zu", 1: "Trifft eher nicht zu"}.get(
            round((3 * a + 2 * b + c) / rated))
        if result.level.id in ("advanced", "developing"):
            expected = "Trifft eher zu" if result.level.id == "advanced" else "Trifft eher nicht zu"
            assert nearest == expected, counts
    for other, level in itertools.product(full_questionnaire.fields, LEVELS):
        text = other.assessment(level)
        assert ("treffen aus Ihrer Sicht zu oder eher zu" in text) == (level == "established")
        assert ("die meisten Aussagen aus Ihrer Sicht nicht oder eher nicht zu" in text) \
            == (level == "starting")
        assert ("Durchschnitt nahe bei „Trifft eher zu“" in text) == (level == "advanced")
        assert ("Durchschnitt nahe bei „Trifft eher nicht zu“" in text) == (level == "developing")


def test_the_field_detail_shows_the_c_or_d_statement_among_the_suggestions(
        full_questionnaire: Questionnaire, renderer: Renderer) -> None:
    field = full_questionnaire.fields[0]
    weak = field.statements[3]
    answers = {s.id: "A" for s in field.statements} | {weak.id: "D"}
    result = score_field(field, answers, full_questionnaire.scale)
    shown = renderer.html("field_detail.html.j2", result=result, scale=full_questionnaire.scale,
                          change=None)
    assessment, suggestions = shown.split("<b>Anregungen zur Weiterarbeit</b>")
    assert result.assessment in assessment and weak.text not in assessment
    assert weak.text in suggestions and weak.suggestion in suggestions
