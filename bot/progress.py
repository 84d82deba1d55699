"""Where a person stands in a run: pure "what comes next" decisions.

The position is derived from the stored answers (the first unanswered
statement), so a restart or a lost message can never put someone in the wrong
place. Only going back ("Zurück") needs a stored cursor, which is cleared again
by the next answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.questionnaire import Field, Statement


@dataclass(frozen=True)
class Position:
    """The statement to show, with everything the progress line needs."""

    statement: Statement
    field: Field
    field_index: int
    field_count: int
    index_in_field: int
    index_overall: int
    total: int
    answered: int
    previous: Statement | None


def ordered_statements(fields: tuple[Field, ...]) -> tuple[Statement, ...]:
    return tuple(s for f in fields for s in f.statements)


def current_statement(fields: tuple[Field, ...], answers: Mapping[str, str],
                      cursor: str | None) -> Statement | None:
    """The cursor (after "Zurück") if valid, else the first unanswered statement."""
    statements = ordered_statements(fields)
    if cursor is not None and any(s.id == cursor for s in statements):
        return next(s for s in statements if s.id == cursor)
    return next((s for s in statements if s.id not in answers), None)


def position_of(fields: tuple[Field, ...], statement_id: str,
                answers: Mapping[str, str]) -> Position:
    statements = ordered_statements(fields)
    overall = next(i for i, s in enumerate(statements) if s.id == statement_id)
    field_index = next(i for i, f in enumerate(fields)
                       if any(s.id == statement_id for s in f.statements))
    field = fields[field_index]
    in_field = next(i for i, s in enumerate(field.statements) if s.id == statement_id)
    return Position(statement=statements[overall], field=field, field_index=field_index,
                    field_count=len(fields), index_in_field=in_field, index_overall=overall,
                    total=len(statements),
                    answered=sum(1 for s in statements if s.id in answers),
                    previous=statements[overall - 1] if overall else None)


def field_completed_by(fields: tuple[Field, ...], statement_id: str,
                       answers: Mapping[str, str]) -> Field | None:
    """The field that the answer to ``statement_id`` has just made complete, if any."""
    for field in fields:
        ids = [s.id for s in field.statements]
        if statement_id in ids:
            return field if all(i in answers for i in ids) else None
    return None
