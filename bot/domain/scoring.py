"""Scoring: from stored answers to a per-field assessment, as pure functions.

A=3 … D=0 points (from ``questions/scale.toml``); E is left out, because "I
cannot judge this" is not a low rating. A field's score is its points as a
share of the maximum for the statements that were rated. There is deliberately
no overall score across fields: the self-check gives orientation per field and
is never a grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.questionnaire import Field, Level, Scale, Statement, shown_percent


@dataclass(frozen=True)
class FieldResult:
    field: Field
    counts: Mapping[str, int]
    answered: int
    score: float | None
    level: Level | None
    suggestions: tuple[Statement, ...]
    unknown: tuple[Statement, ...]

    @property
    def total(self) -> int:
        return len(self.field.statements)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def insufficient(self) -> bool:
        """Too few ratings to judge the field (many E answers are a finding of their own)."""
        return self.level is None

    @property
    def assessment(self) -> str:
        return self.field.assessment(self.level.id if self.level else "insufficient")

    @property
    def score_percent(self) -> int | None:
        return None if self.score is None else shown_percent(self.score)


def score_field(field: Field, answers: Mapping[str, str], scale: Scale) -> FieldResult:
    """Score one field from ``answers`` (statement id -> choice key)."""
    counts = {choice.key: 0 for choice in scale.choices}
    points = rated = 0
    suggestions: list[Statement] = []
    unknown: list[Statement] = []
    for statement in field.statements:
        key = answers.get(statement.id)
        if key is None:
            continue
        choice = scale.choice(key)
        counts[key] += 1
        if choice.points is None:
            unknown.append(statement)
            continue
        rated += 1
        points += choice.points
        if choice.suggest:
            suggestions.append(statement)
    answered = sum(counts.values())
    score = 100 * points / (rated * scale.max_points) if rated else None
    too_unsure = answered and (answered - rated) / answered > scale.max_unknown_share
    level = None if score is None or too_unsure else scale.level_for(score)
    return FieldResult(field=field, counts=counts, answered=answered, score=score, level=level,
                       suggestions=tuple(suggestions), unknown=tuple(unknown))


def score_fields(fields: tuple[Field, ...], answers: Mapping[str, str],
                 scale: Scale) -> tuple[FieldResult, ...]:
    return tuple(score_field(field, answers, scale) for field in fields)
