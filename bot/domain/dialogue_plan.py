"""After the workshop: a dialogue event (Dialogveranstaltung) built on what the room found.

The self-check's process does not end with the workshop: its findings are
taken to a wider dialogue with the public. What to talk about there follows
from the released result – where the perspectives parted, what every group
rated low, where the administration's own view and the room's differ – and
whom to invite follows from who parted: the groups with the highest and the
lowest value on a topic have the most to tell each other. The wording of the
plan lives in the report templates; this module only chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.workshop import (
    PERSPECTIVES,
    FieldComparison,
    Group,
    StatementComparison,
    WorkshopResult,
)
from bot.domain.workshop_reference import reference_topics

MOST_QUESTIONS = 6   # an evening of two to three hours discusses a handful of questions
# How many of each kind come first, before the rest fills up: a plan that is only disagreement
# misses what the room shares, and the other way round.
FIRST = {"differ": 3, "shared": 2, "reference": 1}
DIFFER, SHARED, REFERENCE = "differ", "shared", "reference"
ANYBODY_ELSE = "andere"  # no group of its own to invite


@dataclass(frozen=True)
class Question:
    """A question for the dialogue, built on one statement of the result."""

    kind: str                      # DIFFER, SHARED or REFERENCE
    row: StatementComparison
    high: Group | None = None      # DIFFER: the group with the highest value
    low: Group | None = None       # DIFFER: the group with the lowest value
    high_value: float | None = None
    low_value: float | None = None
    reference: float | None = None  # REFERENCE: the administration's own value, in percent


@dataclass(frozen=True)
class DialoguePlan:
    questions: tuple[Question, ...]
    shared_fields: tuple[FieldComparison, ...]   # fields every shown group rated low
    invite: tuple[str, ...]   # perspectives high or low on a topic, in PERSPECTIVES order
    absent: tuple[str, ...]   # perspectives nobody in the room spoke for (empty if unknown)

    @property
    def empty(self) -> bool:
        return not self.questions and not self.shared_fields


def dialogue_plan(result: WorkshopResult, most: int = MOST_QUESTIONS) -> DialoguePlan:
    """The questions, whom to invite and who was missing, from a released result."""
    candidates: dict[str, list[Question]] = {
        DIFFER: [_differ(row) for row in result.dialogue] if result.comparable else [],
        SHARED: [Question(SHARED, row) for row in result.shared_low_statements],
        REFERENCE: [Question(REFERENCE, topic.row, reference=topic.reference)
                    for topic in reference_topics(result)],
    }
    chosen: list[Question] = []
    seen: set[str] = set()

    def take(questions: list[Question], count: int) -> None:
        for question in questions:
            if len(chosen) >= most or count <= 0:
                return
            if question.row.statement.id not in seen:
                seen.add(question.row.statement.id)
                chosen.append(question)
                count -= 1

    for kind, count in FIRST.items():
        take(candidates[kind], count)
    for kind in FIRST:
        take(candidates[kind], most)
    return DialoguePlan(tuple(chosen), result.shared_low_fields, _invited(chosen),
                        _absent(result))


def _differ(row: StatementComparison) -> Question:
    compared = row.compared
    high, high_value = max(compared, key=lambda item: item[1])
    low, low_value = min(compared, key=lambda item: item[1])
    return Question(DIFFER, row, high=high, low=low, high_value=high_value, low_value=low_value)


def _invited(questions: list[Question]) -> tuple[str, ...]:
    named = {perspective for question in questions for group in (question.high, question.low)
             if group is not None for perspective in group.perspectives}
    return tuple(p for p in PERSPECTIVES if p in named)


def _absent(result: WorkshopResult) -> tuple[str, ...]:
    """The perspectives nobody in the room counted for; unknown (empty) when the room was
    one pooled group, whose members are not told."""
    if not result.groups:
        return ()
    present = {p for group in result.groups for p in group.perspectives}
    return tuple(p for p in PERSPECTIVES if p not in present and p != ANYBODY_ELSE)
