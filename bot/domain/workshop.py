"""Workshop mode: many perspectives of one municipality, aggregated without exposing anyone.

The municipality's administration first answers the self-check on its own; in
a workshop, other groups (politics, civil society, business, …) answer the
same statements. What matters then is where the perspectives meet and where
they part: those statements are the workshop's topics for dialogue.

Everything here is a pure function of the answers, grouped by perspective and
stripped of who gave them. Anonymity rules, applied to every number shown, for
a minimum group size ``k`` (``SELBSTCHECK_MIN_GROUP``, never below 3):

- A perspective appears on its own only with at least ``k`` respondents;
  smaller ones are pooled as "weitere Perspektiven". If that pool would itself
  stay below ``k``, the smallest shown perspective joins it, so no shown group
  is ever smaller than ``k``.
- Each cell of a row is shown or withheld by :mod:`bot.domain.disclosure`: at
  least ``k`` raters, no complementary cell, and between releases no
  difference of fewer than ``k`` people. A withheld cell carries no numbers at
  all, so no view can print its counts.
- Coordinators' own answers are not counted: they know them, and could
  subtract them from their group's numbers. Participants they fake are
  people like any other to this module; the noise of every released number
  (:mod:`bot.domain.release_noise`) keeps them from subtracting those.
- Every field a participant completed counts, whether or not they finished
  the workshop; a field half answered does not count yet.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.domain.disclosure import DEFAULT_MIN_GROUP, Cell, suppress_row
from bot.domain.perspectives import ADMINISTRATION as ADMINISTRATION
from bot.domain.perspectives import EACH_ALONE, SECTORS, Grouping
from bot.domain.perspectives import PERSPECTIVES as PERSPECTIVES
from bot.domain.questionnaire import Field, Level, Scale, Statement, shown_percent
from bot.domain.release_noise import (
    FIELD_SPREAD,
    STATEMENT_SPREAD,
    VALUE_RATERS,
    Noise,
    noisy_count,
    noisy_percent,
)
from bot.domain.scoring import score_field

if TYPE_CHECKING:
    from bot.domain.workshop_reference import Reference

FURTHER = "weitere"   # the pool of perspectives too small to be shown on their own
OVERALL = "gesamt"    # everybody
GROUP_KEYS: tuple[str, ...] = (*PERSPECTIVES, *SECTORS, FURTHER, OVERALL)  # every labelled key

MIN_SPREAD = 100 / 3      # one step on the A–D scale, in percentage points
LOW_BELOW = 50            # shown below "Auf gutem Weg": a field or statement still to build up
UNKNOWN_SHARE = 1 / 3     # a third of the room cannot judge: ask who knows
TOKEN_BYTES = 16          # 22 URL-safe characters, 128 bits: not guessable


def answer_minutes(statements: int) -> tuple[int, int]:
    """How long answering takes, from a quarter to two fifths of a minute per statement."""
    return max(round(statements * 0.25), 1), max(round(statements * 0.4), 2)


def new_token() -> str:
    """An invitation token for a ``t.me`` deep link ([A-Za-z0-9_-], 22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


# --- progress ------------------------------------------------------------------


@dataclass(frozen=True)
class PerspectiveProgress:
    perspective: str | None  # None: joined, perspective not chosen yet
    joined: int
    finished: int
    on_paper: int = 0  # of those joined (and finished): sheets a coordinator typed in


@dataclass(frozen=True)
class Progress:
    rows: tuple[PerspectiveProgress, ...]  # in PERSPECTIVES order, "not chosen yet" last

    @property
    def joined(self) -> int:
        return sum(row.joined for row in self.rows)

    @property
    def finished(self) -> int:
        return sum(row.finished for row in self.rows)

    @property
    def on_paper(self) -> int:
        """„davon auf Papier“: the paper sheets among those joined and finished."""
        return sum(row.on_paper for row in self.rows)


def progress(counts: Iterable[PerspectiveProgress]) -> Progress:
    """Order the counts per perspective for display."""
    order = {perspective: i for i, perspective in enumerate((*PERSPECTIVES, None))}
    rows = sorted((row for row in counts if row.perspective in order),
                  key=lambda row: order[row.perspective])
    return Progress(tuple(rows))


# --- aggregation -----------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One participant's answers, known only by their perspective."""

    perspective: str
    answers: Mapping[str, str]
    person: int = 0            # a key that stays the same between releases; never shown
    coordinator: bool = False  # coordinators' own answers are never counted


def counted_answers(fields: Sequence[Field], answers: Mapping[str, str]) -> dict[str, str]:
    """The answers of every field the person completed; a field half answered does not count."""
    return {statement.id: answers[statement.id] for field in fields
            if all(statement.id in answers for statement in field.statements)
            for statement in field.statements}


def counted(fields: Sequence[Field], responses: Sequence[Response]) -> list[Response]:
    """The responses that count, each cut to its completed fields."""
    kept = [Response(r.perspective, counted_answers(fields, r.answers), r.person)
            for r in responses if not r.coordinator]
    return [r for r in kept if r.answers]


@dataclass(frozen=True)
class Group:
    """A column of the result: one perspective, the pool of small ones, or everybody."""

    key: str                        # a perspective id, FURTHER or OVERALL
    respondents: int
    perspectives: tuple[str, ...]   # who is pooled in it


@dataclass(frozen=True)
class Score:
    """One group's value for a field or a statement; a withheld one carries no numbers."""

    raters: int | None       # people who rated (A–D) at least once here
    answers: int | None      # all answers here, "cannot judge" included
    unknown: int | None      # "cannot judge" answers
    percent: float | None    # None when withheld or nothing was rated
    level: Level | None      # fields only; None when withheld or too many "cannot judge"
    withheld: bool = False   # hidden to protect somebody (see bot.domain.disclosure)

    @classmethod
    def hidden(cls) -> Score:
        return cls(raters=None, answers=None, unknown=None, percent=None, level=None,
                   withheld=True)

    @property
    def percent_rounded(self) -> int | None:
        return None if self.percent is None else shown_percent(self.percent)


@dataclass(frozen=True)
class FieldComparison:
    """A field's score per shown group and overall: what a chart per perspective plots."""

    field: Field
    overall: Score
    by_group: tuple[tuple[Group, Score], ...]


@dataclass(frozen=True)
class StatementComparison:
    field: Field
    statement: Statement
    overall: Score
    by_group: tuple[tuple[Group, Score], ...]

    @property
    def number(self) -> str:
        """"3.2": the field's number and the statement's place in it, as in every summary."""
        return self.field.number_of(self.statement)

    @property
    def compared(self) -> tuple[tuple[Group, float], ...]:
        """The groups with a shown score for this statement."""
        return tuple((group, score.percent) for group, score in self.by_group
                     if score.percent is not None)

    @property
    def spread(self) -> float | None:
        """Distance between the highest and the lowest group, in percentage points."""
        values = [percent for _, percent in self.compared]
        return max(values) - min(values) if len(values) >= 2 else None

    @property
    def unknown_share(self) -> float:
        overall = self.overall
        if overall.withheld or not overall.answers or overall.unknown is None:
            return 0.0
        return overall.unknown / overall.answers


@dataclass(frozen=True)
class WorkshopResult:
    respondents: int
    minimum: int                   # k: fewest people behind any number shown
    groups: tuple[Group, ...]      # shown groups (perspectives, then FURTHER); OVERALL apart
    fields: tuple[FieldComparison, ...]
    statements: tuple[StatementComparison, ...]
    # The administration's own view beside the room's, placed with its author's consent
    # (see bot.domain.workshop_reference): never one of the groups, nor counted anywhere.
    reference: Reference | None = None

    @property
    def available(self) -> bool:
        return self.respondents >= self.minimum

    @property
    def comparable(self) -> bool:
        """At least two groups to compare; otherwise there is only the overall view."""
        return len(self.groups) >= 2

    @property
    def dialogue(self) -> tuple[StatementComparison, ...]:
        """Where the perspectives differ by at least one scale step, widest gap first."""
        wide = [s for s in self.statements if s.spread is not None and s.spread >= MIN_SPREAD]
        return tuple(sorted(wide, key=lambda s: -(s.spread or 0.0)))

    @property
    def shared_low_fields(self) -> tuple[FieldComparison, ...]:
        """Fields every shown group rated low: where the room agrees there is work to do."""
        return _shared_low(self.fields, self.comparable)

    @property
    def shared_low_statements(self) -> tuple[StatementComparison, ...]:
        """Statements every shown group rated low: candidates for agreed next steps."""
        return _shared_low(self.statements, self.comparable)

    @property
    def unjudged(self) -> tuple[StatementComparison, ...]:
        """Statements that many could not judge, most such answers first."""
        many = [s for s in self.statements
                if s.overall.unknown and s.unknown_share >= UNKNOWN_SHARE]
        return tuple(sorted(many, key=lambda s: -s.unknown_share))


_Row = TypeVar("_Row", FieldComparison, StatementComparison)


def _shared_low(rows: Sequence[_Row], comparable: bool) -> tuple[_Row, ...]:
    """The rows low in every group compared, the lowest group's best value first.

    Without two groups to compare, "every group" is the room as a whole. A row
    with a withheld or unrated group is left out: nobody can say it is shared.
    """
    def highest(row: _Row) -> int | None:
        scores = [score for _, score in row.by_group] if comparable else [row.overall]
        shown = [score.percent_rounded for score in scores]
        if not shown or any(value is None for value in shown):
            return None
        return max(value for value in shown if value is not None)

    low = [(value, index, row) for index, row in enumerate(rows)
           if (value := highest(row)) is not None and value < LOW_BELOW]
    return tuple(row for _, _, row in sorted(low, key=lambda item: item[:2]))


class History(Protocol):
    """What changed since the last release (see :mod:`bot.domain.workshop_release`).

    ``perspectives`` names a group by its members; ``None`` is everybody. ``row``
    is a field's or a statement's id.
    """

    def changed(self, perspectives: tuple[str, ...] | None, row: str) -> int: ...

    def shown_before(self, perspectives: tuple[str, ...] | None, row: str) -> bool: ...

    @property
    def released_statements(self) -> bool:
        """Whether the last release showed statements (an interim one shows fields only)."""


def form_groups(counts: Mapping[str, int], minimum: int = DEFAULT_MIN_GROUP,
                grouping: Grouping = EACH_ALONE) -> tuple[Group, ...]:
    """The groups shown on their own, each with at least ``minimum`` respondents.

    The grouping's units (perspectives or sectors) with ``minimum`` people are
    shown; smaller ones are pooled as FURTHER, and while that pool is itself
    too small, the smallest shown unit joins it (the later one on a tie).
    """
    units = [(key, members, sum(counts.get(p, 0) for p in members))
             for key, members in grouping.units()]
    shown = [unit for unit in units if unit[2] >= minimum]
    pooled = [unit for unit in units if 0 < unit[2] < minimum]

    while pooled and sum(size for *_, size in pooled) < minimum and shown:
        smallest = min(reversed(shown), key=lambda unit: unit[2])
        shown.remove(smallest)
        pooled.append(smallest)
    groups = [Group(key, size, members) for key, members, size in shown]
    if pooled and shown:
        inside = {p for _, members, _ in pooled for p in members if counts.get(p, 0)}
        groups.append(Group(FURTHER, sum(size for *_, size in pooled),
                            tuple(p for p in PERSPECTIVES if p in inside)))
    return tuple(groups)


def forecast(expected: Mapping[str, int], minimum: int = DEFAULT_MIN_GROUP,
             grouping: Grouping = EACH_ALONE) -> tuple[Group, ...]:
    """The groups a room of ``expected`` people per perspective will see, before anybody
    joins: exactly what :func:`aggregate` shows once they have all answered a field."""
    if sum(expected.values()) < minimum:
        return ()
    return form_groups(expected, minimum, grouping)


def aggregate(fields: tuple[Field, ...], scale: Scale, responses: Sequence[Response],
              minimum: int = DEFAULT_MIN_GROUP, history: History | None = None, *,
              noise: Noise | None = None, statements: bool = True,
              grouping: Grouping = EACH_ALONE) -> WorkshopResult:
    """The workshop's result; empty below ``minimum`` counted respondents.

    ``history``: what changed since the last release, so that this result
    cannot be subtracted from it; ``None`` for a first release. ``noise``: the
    source of the released numbers' noise, drawn before the cells are chosen
    so that which cells show depends on noisy counts only; ``None`` gives the
    exact numbers, which are never released. ``statements``: False for the
    fields alone (an interim release). ``grouping``: how the workshop shows its
    perspectives (:mod:`bot.domain.perspectives`).
    """
    people = counted(fields, responses)
    if len(people) < minimum:
        return WorkshopResult(respondents=len(people), minimum=minimum, groups=(), fields=(),
                              statements=())
    groups = form_groups(Counter(r.perspective for r in people), minimum, grouping)
    members = {group.key: [r for r in people if r.perspective in group.perspectives]
               for group in groups}

    # Statements shown for the first time are a first release, whatever showed fields before.
    statement_history = history if history is None or history.released_statements else None

    # A noisy statement cell is chosen by who answered, not by who rated: withholding it
    # for a "cannot judge" would tell that answer (see _statement_score).
    by_answers = noise is not None

    def row(raw_overall: Score, raw: list[Score], row_id: str,
            forced: frozenset[int] = frozenset(), past: History | None = history,
            by_answers: bool = False
            ) -> tuple[Score, tuple[tuple[Group, Score], ...], frozenset[int]]:
        cells = [_cell(score, group.perspectives, row_id, past, by_answers)
                 for group, score in zip(groups, raw)]
        hidden, overall_hidden = suppress_row(
            cells, _cell(raw_overall, None, row_id, past, by_answers), minimum, forced)
        by_group = tuple((group, Score.hidden() if i in hidden else score)
                         for i, (group, score) in enumerate(zip(groups, raw)))
        return (Score.hidden() if overall_hidden else raw_overall), by_group, hidden

    field_rows: list[FieldComparison] = []
    statement_rows: list[StatementComparison] = []
    for field in fields:
        overall, by_group, hidden = row(
            _field_score(field, people, scale, noise),
            [_field_score(field, members[g.key], scale, noise) for g in groups], field.id)
        field_rows.append(FieldComparison(field, overall, by_group))
        for statement in field.statements if statements else ():
            overall, by_group, _ = row(
                _statement_score(statement, people, scale, noise),
                [_statement_score(statement, members[g.key], scale, noise) for g in groups],
                statement.id, hidden, statement_history, by_answers)
            statement_rows.append(StatementComparison(field, statement, overall, by_group))
    return WorkshopResult(respondents=len(people), minimum=minimum, groups=groups,
                          fields=tuple(field_rows), statements=tuple(statement_rows))


def _cell(score: Score, perspectives: tuple[str, ...] | None, row: str,
          history: History | None, by_answers: bool = False) -> Cell:
    raters = (score.answers if by_answers else score.raters) or 0
    if history is None:
        return Cell(raters=raters, answered=score.answers or 0)
    return Cell(raters=raters, answered=score.answers or 0,
                changed=history.changed(perspectives, row),
                shown_before=history.shown_before(perspectives, row))


def _field_score(field: Field, responses: Sequence[Response], scale: Scale,
                 noise: Noise | None) -> Score:
    """Mean of the people's own field scores: every person counts once, however many they rated.

    With ``noise``, the mean and the count of "cannot judge" are noisy, and the level
    follows from those."""
    personal: list[float] = []
    answers = unknown = 0
    for response in responses:
        own = score_field(field, response.answers, scale)
        answers += own.answered
        unknown += len(own.unknown)
        if own.score is not None:
            personal.append(own.score)
    if not personal:
        return Score(raters=0, answers=answers, unknown=unknown, percent=None, level=None)
    percent = fmean(personal)
    if noise is not None:
        percent = noisy_percent(percent, FIELD_SPREAD, len(personal), noise)
        unknown = noisy_count(unknown, answers, noise)
    too_unsure = unknown / answers > scale.max_unknown_share
    return Score(raters=len(personal), answers=answers, unknown=unknown, percent=percent,
                 level=None if too_unsure else scale.level_for(percent))


def _statement_score(statement: Statement, responses: Sequence[Response], scale: Scale,
                     noise: Noise | None) -> Score:
    """The mean of the points given.

    With ``noise``, the count of "cannot judge" answers is noisy, the raters are the
    answers without those, the mean's noise follows the noisy raters, and the mean is
    given only with ``VALUE_RATERS`` of them: nothing shown rests on the exact count."""
    points: list[int] = []
    answers = unknown = 0
    for response in responses:
        key = response.answers.get(statement.id)
        if key is None:
            continue
        answers += 1
        choice_points = scale.choice(key).points
        if choice_points is None:
            unknown += 1
        else:
            points.append(choice_points)
    percent = 100 * fmean(points) / scale.max_points if points else None
    if noise is None:
        return Score(raters=len(points), answers=answers, unknown=unknown, percent=percent,
                     level=None)
    unknown = noisy_count(unknown, answers, noise)
    raters = answers - unknown
    if percent is None or raters < VALUE_RATERS:
        return Score(raters=raters, answers=answers, unknown=unknown, percent=None, level=None)
    return Score(raters=raters, answers=answers, unknown=unknown,
                 percent=noisy_percent(percent, STATEMENT_SPREAD, raters, noise), level=None)
