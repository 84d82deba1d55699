"""Where a person stands in a run: pure "what comes next" decisions.

The position is derived from the stored answers (the first unanswered
statement), so a restart or a lost message can never put someone in the wrong
place. Only going back ("Zurück") needs a stored cursor, which is cleared again
by the next answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.questionnaire import Field, Statement


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


class Route:
    """The statements of a field selection in order, indexed once.

    Every tap asks where a statement sits and what comes next; with the
    indexes those are dictionary lookups instead of scans over ~100 statements.
    """

    def __init__(self, fields: tuple[Field, ...]) -> None:
        self.fields = fields
        self.statements = tuple(s for f in fields for s in f.statements)
        self.index = {s.id: i for i, s in enumerate(self.statements)}
        self.field_index = {s.id: i for i, f in enumerate(fields) for s in f.statements}
        self.index_in_field = {s.id: i for f in fields for i, s in enumerate(f.statements)}


_ROUTES: dict[tuple[int, ...], Route] = {}
_ROUTES_KEPT = 256


def route(fields: tuple[Field, ...]) -> Route:
    """The route for ``fields``, built once per selection of fields.

    Keyed by the identity of the field objects: the cached route keeps them
    alive, so an identity can never be reused for other fields while cached.
    """
    key = tuple(map(id, fields))
    found = _ROUTES.get(key)
    if found is None:
        if len(_ROUTES) >= _ROUTES_KEPT:
            del _ROUTES[next(iter(_ROUTES))]  # the oldest; real bots have a handful
        found = _ROUTES[key] = Route(fields)
    return found


def ordered_statements(fields: tuple[Field, ...]) -> tuple[Statement, ...]:
    return route(fields).statements


def current_statement(fields: tuple[Field, ...], answers: Mapping[str, str],
                      cursor: str | None) -> Statement | None:
    """The cursor (after "Zurück") if valid, else the first unanswered statement."""
    the_route = route(fields)
    if cursor is not None and cursor in the_route.index:
        return the_route.statements[the_route.index[cursor]]
    return next((s for s in the_route.statements if s.id not in answers), None)


def position_of(fields: tuple[Field, ...], statement_id: str,
                answers: Mapping[str, str]) -> Position:
    the_route = route(fields)
    overall = the_route.index[statement_id]
    field_index = the_route.field_index[statement_id]
    statements = the_route.statements
    return Position(statement=statements[overall], field=fields[field_index],
                    field_index=field_index, field_count=len(fields),
                    index_in_field=the_route.index_in_field[statement_id],
                    index_overall=overall, total=len(statements),
                    answered=sum(1 for answered in answers if answered in the_route.index),
                    previous=statements[overall - 1] if overall else None)


def field_completed_by(fields: tuple[Field, ...], statement_id: str,
                       answers: Mapping[str, str]) -> Field | None:
    """The field that the answer to ``statement_id`` has just made complete, if any."""
    field_index = route(fields).field_index.get(statement_id)
    if field_index is None:
        return None
    field = fields[field_index]
    return field if all(s.id in answers for s in field.statements) else None
