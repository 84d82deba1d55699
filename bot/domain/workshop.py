"""Workshop mode: many perspectives of one municipality, aggregated without exposing anyone.

The municipality's administration first answers the self-check on its own; in
a workshop, other groups (politics, civil society, business, …) answer the
same statements. What matters then is where the perspectives meet and where
they part: those statements are the workshop's topics for dialogue.

Everything here is a pure function of the answers, grouped by perspective and
stripped of who gave them. Anonymity rules, applied to every number shown:

- A perspective appears on its own only with at least ``MIN_GROUP``
  respondents; smaller ones are pooled as "weitere Perspektiven". If that pool
  would itself stay below ``MIN_GROUP``, the smallest shown perspective joins
  it, so no shown group is ever smaller than ``MIN_GROUP``.
- A score (per field or statement) is shown only when at least ``MIN_GROUP``
  people of that group actually rated (A–D) there; "cannot judge" answers can
  otherwise shrink a group below the threshold.
- Counted are participants who answered every statement: partial runs would
  make groups differ per field and are still in progress anyway.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from bot.domain.questionnaire import Field, Level, Scale, Statement
from bot.domain.scoring import score_field

# Perspective ids, in the order the participants see them; labels in reports/texts.toml.
PERSPECTIVES: tuple[str, ...] = (
    "verwaltung_integration",  # administration: integration and diversity work
    "verwaltung_fachamt",      # administration: another department
    "leitung",                 # leadership: mayor, district administrator, heads of department
    "politik",                 # council members
    "migration",               # migrant organisation or integration council
    "zivilgesellschaft",       # civil society or welfare association
    "wirtschaft",              # business, job centre or employment agency
    "bildung",                 # education providers
    "andere",                  # anybody else
)
FURTHER = "weitere"   # the pool of perspectives too small to be shown on their own
OVERALL = "gesamt"    # everybody

MIN_GROUP = 3             # fewest people behind any number that is shown
MIN_SPREAD = 100 / 3      # one step on the A–D scale, in percentage points
UNKNOWN_SHARE = 1 / 3     # a third of the room cannot judge: ask who knows
TOKEN_BYTES = 16          # 22 URL-safe characters, 128 bits: not guessable


def new_token() -> str:
    """An invitation token for a ``t.me`` deep link ([A-Za-z0-9_-], 22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


# --- progress ------------------------------------------------------------------


@dataclass(frozen=True)
class PerspectiveProgress:
    perspective: str | None  # None: joined, perspective not chosen yet
    joined: int
    finished: int


@dataclass(frozen=True)
class Progress:
    rows: tuple[PerspectiveProgress, ...]  # in PERSPECTIVES order, "not chosen yet" last

    @property
    def joined(self) -> int:
        return sum(row.joined for row in self.rows)

    @property
    def finished(self) -> int:
        return sum(row.finished for row in self.rows)


def progress(counts: Iterable[PerspectiveProgress]) -> Progress:
    """Order the counts per perspective for display."""
    order = {perspective: i for i, perspective in enumerate((*PERSPECTIVES, None))}
    rows = sorted((row for row in counts if row.perspective in order),
                  key=lambda row: order[row.perspective])
    return Progress(tuple(rows))


# --- aggregation -----------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One participant's complete answers, known only by their perspective."""

    perspective: str
    answers: Mapping[str, str]


@dataclass(frozen=True)
class Group:
    """A column of the result: one perspective, the pool of small ones, or everybody."""

    key: str                        # a perspective id, FURTHER or OVERALL
    respondents: int
    perspectives: tuple[str, ...]   # who is pooled in it


@dataclass(frozen=True)
class Score:
    """One group's value for a field or a statement."""

    raters: int              # people who rated (A–D) at least once here
    answers: int             # all answers here, "cannot judge" included
    unknown: int             # "cannot judge" answers
    percent: float | None    # None when withheld or nothing was rated
    level: Level | None      # fields only; None when withheld or too many "cannot judge"

    @property
    def withheld(self) -> bool:
        """Too few people rated here to show a number without exposing someone."""
        return self.raters < MIN_GROUP

    @property
    def percent_rounded(self) -> int | None:
        return None if self.percent is None else round(self.percent)


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
        return f"{self.field.number}.{self.field.statements.index(self.statement) + 1}"

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
        return self.overall.unknown / self.overall.answers if self.overall.answers else 0.0


@dataclass(frozen=True)
class WorkshopResult:
    respondents: int
    groups: tuple[Group, ...]      # shown groups (perspectives, then FURTHER); OVERALL apart
    fields: tuple[FieldComparison, ...]
    statements: tuple[StatementComparison, ...]

    @property
    def available(self) -> bool:
        return self.respondents >= MIN_GROUP

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
    def unjudged(self) -> tuple[StatementComparison, ...]:
        """Statements that many could not judge, most such answers first."""
        many = [s for s in self.statements
                if s.overall.unknown >= 1 and s.unknown_share >= UNKNOWN_SHARE]
        return tuple(sorted(many, key=lambda s: -s.unknown_share))


def form_groups(counts: Mapping[str, int]) -> tuple[Group, ...]:
    """The groups shown on their own, each with at least ``MIN_GROUP`` respondents."""
    shown = [p for p in PERSPECTIVES if counts.get(p, 0) >= MIN_GROUP]
    pooled = [p for p in PERSPECTIVES if 0 < counts.get(p, 0) < MIN_GROUP]

    def size(perspectives: Sequence[str]) -> int:
        return sum(counts[p] for p in perspectives)

    while pooled and size(pooled) < MIN_GROUP and shown:
        smallest = min(reversed(shown), key=lambda p: counts[p])  # the later one on a tie
        shown.remove(smallest)
        pooled.append(smallest)
    groups = [Group(p, counts[p], (p,)) for p in shown]
    if pooled and shown:
        ordered = tuple(p for p in PERSPECTIVES if p in pooled)
        groups.append(Group(FURTHER, size(pooled), ordered))
    return tuple(groups)


def aggregate(fields: tuple[Field, ...], scale: Scale,
              responses: Sequence[Response]) -> WorkshopResult:
    """The workshop's result from complete responses; empty below ``MIN_GROUP`` respondents."""
    counts: dict[str, int] = {}
    for response in responses:
        counts[response.perspective] = counts.get(response.perspective, 0) + 1
    if len(responses) < MIN_GROUP:
        return WorkshopResult(respondents=len(responses), groups=(), fields=(), statements=())
    groups = form_groups(counts)
    members = {group.key: [r for r in responses if r.perspective in group.perspectives]
               for group in groups}
    field_rows = tuple(
        FieldComparison(field=field, overall=_field_score(field, responses, scale),
                        by_group=tuple((g, _field_score(field, members[g.key], scale))
                                       for g in groups))
        for field in fields)
    statement_rows = tuple(
        StatementComparison(field=field, statement=statement,
                            overall=_statement_score(statement, responses, scale),
                            by_group=tuple((g, _statement_score(statement, members[g.key], scale))
                                           for g in groups))
        for field in fields for statement in field.statements)
    return WorkshopResult(respondents=len(responses), groups=groups, fields=field_rows,
                          statements=statement_rows)


def _field_score(field: Field, responses: Sequence[Response], scale: Scale) -> Score:
    """Mean of the people's own field scores: every person counts once, however many they rated."""
    personal: list[float] = []
    answers = unknown = 0
    for response in responses:
        own = score_field(field, response.answers, scale)
        answers += own.answered
        unknown += len(own.unknown)
        if own.score is not None:
            personal.append(own.score)
    if len(personal) < MIN_GROUP:
        return Score(raters=len(personal), answers=answers, unknown=unknown, percent=None,
                     level=None)
    percent = fmean(personal)
    too_unsure = unknown / answers > scale.max_unknown_share
    return Score(raters=len(personal), answers=answers, unknown=unknown, percent=percent,
                 level=None if too_unsure else scale.level_for(percent))


def _statement_score(statement: Statement, responses: Sequence[Response], scale: Scale) -> Score:
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
    percent = (100 * fmean(points) / scale.max_points) if len(points) >= MIN_GROUP else None
    return Score(raters=len(points), answers=answers, unknown=unknown, percent=percent, level=None)
