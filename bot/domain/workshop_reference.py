"""The administration's own view beside the room's: one coordinator's self-check as a reference.

The self-check's process starts with the administration assessing itself;
the workshop then adds the other perspectives. A coordinator may place the
result of their own latest finished self-check beside the room's, as a
labelled reference column. It is one known person's answers, so it is not
anonymous – which is why it needs their explicit consent – and it is never
part of the room: no group, not the overall value, not the count of
respondents, not the minimum group size ``k``. It only stands beside them,
and where it differs from the room by a whole step of the scale, that is a
topic of its own: what does the administration see that the room does not,
and the other way round?
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.questionnaire import Field, Scale
from bot.domain.scoring import score_field
from bot.domain.workshop import (
    MIN_SPREAD,
    Score,
    StatementComparison,
    WorkshopResult,
    counted_answers,
)

REFERENCE = "referenz"  # the column's key beside the groups' keys (its label: „Selbsteinschätzung der Verwaltung“)


@dataclass(frozen=True)
class Reference:
    """The coordinator's own values: per field and per statement, as their own result shows them.

    ``answered_on`` is the day their self-check was finished (ISO date), so the
    room knows how current the view is.
    """

    answered_on: str
    fields: Mapping[str, Score]        # field id -> the person's own field score
    statements: Mapping[str, Score]    # statement id -> the answer as a percentage

    def field(self, field_id: str) -> Score | None:
        return self.fields.get(field_id)

    def statement(self, statement_id: str) -> Score | None:
        return self.statements.get(statement_id)


def reference_of(fields: Sequence[Field], scale: Scale, answers: Mapping[str, str],
                 answered_on: str) -> Reference | None:
    """The reference a finished self-check gives for a workshop's ``fields``; ``None`` if it
    completed none of them (a field half answered says nothing about the field)."""
    complete = counted_answers(fields, answers)
    if not complete:
        return None
    field_scores: dict[str, Score] = {}
    statement_scores: dict[str, Score] = {}
    for field in fields:
        if field.statements[0].id not in complete:
            continue
        own = score_field(field, complete, scale)
        field_scores[field.id] = Score(raters=1, answers=own.answered, unknown=len(own.unknown),
                                       percent=own.score, level=own.level)
        for statement in field.statements:
            points = scale.choice(complete[statement.id]).points
            statement_scores[statement.id] = Score(
                raters=0 if points is None else 1, answers=1, unknown=int(points is None),
                percent=None if points is None else 100 * points / scale.max_points, level=None)
    return Reference(answered_on, field_scores, statement_scores)


@dataclass(frozen=True)
class ReferenceTopic:
    """A statement where the administration's own view and the room's overall value part."""

    row: StatementComparison
    reference: float  # the administration's value, in percent
    room: float       # the room's overall value, in percent

    @property
    def gap(self) -> float:
        """Positive: the administration sees it better than the room."""
        return self.reference - self.room


def reference_topics(result: WorkshopResult) -> tuple[ReferenceTopic, ...]:
    """Statements where the reference differs from the room's overall value by at least one
    scale step, the widest gap first; none without a reference or a shown overall value."""
    reference = result.reference
    if reference is None:
        return ()
    topics = []
    for row in result.statements:
        own = reference.statement(row.statement.id)
        if own is None or own.percent is None or row.overall.percent is None:
            continue
        if abs(own.percent - row.overall.percent) >= MIN_SPREAD:
            topics.append(ReferenceTopic(row, own.percent, row.overall.percent))
    return tuple(sorted(topics, key=lambda topic: -abs(topic.gap)))
