"""Released results: what every view of a workshop's result shows, and what changed since.

Nobody sees the live aggregate. The coordinators release a snapshot – when
they close the answering phase, or in between when every shown group has at
least ``k`` new contributors since the last release – and every view (chat,
CSV, PDF) shows the latest snapshot as it was stored. So two views can only
differ across a release, and a release never differs from the last one by
fewer than ``k`` people in any shown cell (:mod:`bot.domain.disclosure`).

To tell what changed, a release keeps a marker per counted answer: whose it
was (a key the storage forgets when the person deletes their data), the
perspective and the answer. The snapshot itself holds only what is shown:
a withheld cell is stored without any number.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.questionnaire import Field, Scale
from bot.domain.workshop import (
    OVERALL,
    FieldComparison,
    Group,
    Response,
    Score,
    StatementComparison,
    WorkshopResult,
    counted,
)

INTERIM = "interim"
FINAL = "final"


@dataclass(frozen=True)
class Marker:
    """One counted answer of a release."""

    person: int | None   # None: the person has deleted their data since
    perspective: str
    statement_id: str
    choice: str | None   # None: the person has deleted their data since


def markers_of(fields: Sequence[Field], responses: Sequence[Response]) -> tuple[Marker, ...]:
    """The markers of everything a release made of ``responses`` counts."""
    return tuple(Marker(r.person, r.perspective, statement_id, choice)
                 for r in counted(fields, responses) for statement_id, choice in r.answers.items())


class Changes:
    """Who changed what since the last release: per perspective and row, a number of people.

    A person counts as changed in a row if they joined it, left it (deleted
    their data, became a coordinator) or gave another answer there; a field
    row changes with any of its statements.
    """

    def __init__(self, fields: Sequence[Field], responses: Sequence[Response],
                 markers: Sequence[Marker], previous: WorkshopResult) -> None:
        # row id -> its overall score and its scores by group, the first row of an id
        self._previous: dict[str, tuple[Score, tuple[tuple[Group, Score], ...]]] = {}
        self._statements = bool(previous.statements)
        for row_id, overall, by_group in [
                *((r.field.id, r.overall, r.by_group) for r in previous.fields),
                *((r.statement.id, r.overall, r.by_group) for r in previous.statements)]:
            self._previous.setdefault(row_id, (overall, by_group))
        # row id -> perspective -> changed people
        self._counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._people: dict[str, set[int]] = defaultdict(set)   # perspective -> changed people
        self._departed: dict[str, int] = defaultdict(int)      # perspective -> deleted people
        before: dict[int, tuple[str, dict[str, str]]] = {}
        departed: dict[tuple[str, str], int] = defaultdict(int)
        for marker in markers:
            if marker.person is None or marker.choice is None:
                departed[(marker.perspective, marker.statement_id)] += 1
            else:
                before.setdefault(marker.person, (marker.perspective, {}))[1][
                    marker.statement_id] = marker.choice
        now = {r.person: (r.perspective, dict(r.answers)) for r in counted(fields, responses)}
        for person in before.keys() | now.keys():
            perspective = (now.get(person) or before[person])[0]
            old = before.get(person, ("", {}))[1]
            new = now.get(person, ("", {}))[1]
            for field in fields:
                ids = [s.id for s in field.statements]
                moved = [i for i in ids if old.get(i) != new.get(i)]
                for statement_id in moved:
                    self._counts[statement_id][perspective] += 1
                if moved:
                    self._counts[field.id][perspective] += 1
                    self._people[perspective].add(person)
        for (perspective, statement_id), count in departed.items():
            self._counts[statement_id][perspective] += count
            self._departed[perspective] = max(self._departed[perspective], count)
        for field in fields:  # a departed person left each of their fields once
            for perspective in {p for p, _ in departed}:
                self._counts[field.id][perspective] += max(
                    (departed.get((perspective, s.id), 0) for s in field.statements), default=0)

    @property
    def released_statements(self) -> bool:
        return self._statements

    def changed(self, perspectives: tuple[str, ...] | None, row: str) -> int:
        counts = self._counts.get(row, {})
        return sum(count for perspective, count in counts.items()
                   if perspectives is None or perspective in perspectives)

    def shown_before(self, perspectives: tuple[str, ...] | None, row: str) -> bool:
        score = self._previous_score(perspectives, row)
        return score is not None and not score.withheld

    def _previous_score(self, perspectives: tuple[str, ...] | None, row: str) -> Score | None:
        if (previous := self._previous.get(row)) is None:
            return None
        overall, by_group = previous
        if perspectives is None:
            return overall
        return next((score for group, score in by_group if group.perspectives == perspectives),
                    None)

    def newcomers(self, perspectives: tuple[str, ...] | None) -> int:
        """People who changed anything in these perspectives since the last release."""
        keys = self._people.keys() | self._departed.keys()
        chosen = [p for p in keys if perspectives is None or p in perspectives]
        return sum(len(self._people.get(p, ())) + self._departed.get(p, 0) for p in chosen)


def short_of_release(result: WorkshopResult, changes: Changes | None) -> tuple[tuple[str, int], ...]:
    """The shown groups (and OVERALL, everybody) that still lack new contributors for an interim release.

    Empty: the result may be released. Each entry is a group's key and how
    many more people it needs.
    """
    if not result.available:
        return ((OVERALL, result.minimum - result.respondents),)
    if changes is None:
        return ()
    needs = [(group.key, result.minimum - changes.newcomers(group.perspectives))
             for group in result.groups]
    needs.append((OVERALL, result.minimum - changes.newcomers(None)))
    return tuple((key, need) for key, need in needs if need > 0)


# --- the stored snapshot ---------------------------------------------------------------


def snapshot(result: WorkshopResult) -> str:
    """The result as stored: shown numbers only, withheld cells as a bare mark."""
    def score(value: Score) -> list[object] | None:
        if value.withheld:
            return None
        return [value.raters, value.answers, value.unknown, value.percent,
                value.level.id if value.level else None]

    return json.dumps({
        "respondents": result.respondents, "minimum": result.minimum,
        "groups": [[g.key, g.respondents, list(g.perspectives)] for g in result.groups],
        "fields": {row.field.id: [score(row.overall), [score(s) for _, s in row.by_group]]
                   for row in result.fields},
        "statements": {row.statement.id: [score(row.overall), [score(s) for _, s in row.by_group]]
                       for row in result.statements},
    }, ensure_ascii=False, separators=(",", ":"))


def from_snapshot(text: str, fields: Sequence[Field], scale: Scale) -> WorkshopResult:
    """The stored result, with the questionnaire's current wording; rows it lost are left out."""
    data = json.loads(text)
    groups = tuple(Group(key, respondents, tuple(perspectives))
                   for key, respondents, perspectives in data["groups"])
    levels = {level.id: level for level in scale.levels}

    def score(value: list[object] | None) -> Score:
        if value is None:
            return Score.hidden()
        raters, answers, unknown, percent, level = value
        return Score(raters=_int(raters), answers=_int(answers), unknown=_int(unknown),
                     percent=float(percent) if isinstance(percent, (int, float)) else None,
                     level=levels.get(level) if isinstance(level, str) else None)

    def row(stored: Mapping[str, list[object]], key: str
            ) -> tuple[Score, tuple[tuple[Group, Score], ...]] | None:
        if key not in stored:
            return None
        overall, by_group = stored[key]
        assert isinstance(by_group, list)
        return score(overall), tuple(zip(groups, (score(s) for s in by_group)))  # type: ignore[arg-type]

    field_rows = []
    statement_rows = []
    for field in fields:
        found = row(data["fields"], field.id)
        if found is None:
            continue
        field_rows.append(FieldComparison(field, *found))
        for statement in field.statements:
            found = row(data["statements"], statement.id)
            if found is not None:
                statement_rows.append(StatementComparison(field, statement, *found))
    return WorkshopResult(respondents=data["respondents"], minimum=data["minimum"], groups=groups,
                          fields=tuple(field_rows), statements=tuple(statement_rows))


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None
