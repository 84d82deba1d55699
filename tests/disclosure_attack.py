"""A coordinator who tries to compute one person's answers from the workshop's exports:
from exact numbers by linear algebra, and with fake participants against the noise.

The attacker reads what the CSV export shows (it prints the most numbers of
all views: every cell's value and counts) and knows what a coordinator in the
room knows: which perspectives make up each shown group (the state view counts
them), and that between two exports exactly one person joined, finished,
changed an answer or deleted their data, and in which perspective.

Every number in a cell – the points behind its value, its raters, answers and
"cannot judge" answers – is a sum over the people of its group. So per row
(a field or a statement) the exports are linear equations over unknown sums:
one per perspective ("atom") in the first export, plus the one person's
contribution ``d`` in the second. The attacker recovers something exactly when
its unit vector lies in the row space of those equations; no guessing of
values is involved, so a row that passes is safe whatever the answers were.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy

from bot.domain.release_noise import STATEMENT_SPREAD, UNKNOWN_SPREAD, VALUE_RATERS

Row = tuple[str, str]                       # (level, number), e.g. ("Aussage", "3.2")


@dataclass(frozen=True)
class Export:
    """What one CSV export shows: per row, the numbers of each group label (None: withheld)."""

    rows: dict[Row, dict[str, tuple[str, ...] | None]]
    groups: Mapping[str, tuple[str, ...]]   # label -> its perspectives; overall: every one

    def shown(self, row: Row) -> list[tuple[str, ...]]:
        """The perspectives of each cell shown in ``row``."""
        return [self.groups[label] for label, numbers in self.rows.get(row, {}).items()
                if numbers is not None]


def aggregate_rows(content: bytes) -> list[list[str]]:
    """The export's table of values, below its header and above the first empty line (the
    lists after it – shared low statements, agreed steps – repeat no counts)."""
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))[1:]
    return lines[:lines.index([])] if [] in lines else lines


def read_export(content: bytes, groups: Mapping[str, tuple[str, ...]]) -> Export:
    rows: dict[Row, dict[str, tuple[str, ...] | None]] = {}
    for level, number, _title, label, raters, answers, unknown, percent, _assessment in (
            aggregate_rows(content)):
        numbers = (raters, answers, unknown, percent)
        rows.setdefault((level, number), {})[label] = None if not any(numbers) else numbers
    return Export(rows, groups)


def withheld_counts_printed(content: bytes) -> bool:
    """Whether any withheld cell still prints one of its counts."""
    return any(row[7] == "" and any(row[4:7]) for row in aggregate_rows(content))


def _determinable(equations: list[list[float]], target: list[float]) -> bool:
    if not equations:
        return False
    matrix = numpy.array(equations, dtype=float)
    extended = numpy.vstack([matrix, numpy.array(target, dtype=float)])
    return bool(numpy.linalg.matrix_rank(extended) == numpy.linalg.matrix_rank(matrix))


def recovered_by_difference(before: Export, after: Export, atoms: Sequence[str],
                            changed: str, moved: set[Row]) -> list[tuple[Row, str]]:
    """What two exports give away: the one changed person's contribution ``d`` (their
    perspective is ``changed``; ``moved`` are the rows where it differs), or a cell that
    no export has shown; by row and label."""
    variables = [*atoms, "d"]
    found = []
    for row in sorted(before.rows.keys() | after.rows.keys()):
        def vector(members: tuple[str, ...], later: bool, row: Row = row) -> list[float]:
            return [1.0 if v in members or (later and v == "d" and changed in members
                                            and row in moved) else 0.0 for v in variables]

        equations = [vector(m, False) for m in before.shown(row)]
        equations += [vector(m, True) for m in after.shown(row)]
        if row in moved and _determinable(equations, [0.0] * len(atoms) + [1.0]):
            found.append((row, "d"))
        never_shown = [(label, later) for export, later in ((before, False), (after, True))
                       for label, numbers in export.rows.get(row, {}).items()
                       if numbers is None and before.rows.get(row, {}).get(label) is None]
        for label, later in never_shown:
            groups = after.groups if later else before.groups
            if _determinable(equations, vector(groups[label], later)):
                found.append((row, label))
    return found


def recovered_by_complement(export: Export, atoms: Sequence[str]) -> list[tuple[Row, str]]:
    """The withheld cells one export lets compute from its shown cells and the overall."""
    found = []
    for row, cells in sorted(export.rows.items()):
        equations = [[1.0 if a in members else 0.0 for a in atoms] for members in export.shown(row)]
        for label, numbers in cells.items():
            target = [1.0 if a in export.groups[label] else 0.0 for a in atoms]
            if numbers is None and _determinable(equations, target):
                found.append((row, label))
    return found


@dataclass(frozen=True)
class Event:
    """What happened between two exports: one person's change (a target), or a group's."""

    perspective: str
    moved: set[Row]          # the rows it changed
    one_person: bool = True  # k people joining together are an aggregate, not a target


def recovered_from_chain(exports: Sequence[Export], events: Sequence[Event],
                         atoms: Sequence[str]) -> list[tuple[Row, int]]:
    """The rows and events whose one person's contribution all exports together give away.

    Export ``i`` holds the atoms plus the contributions of events ``0 … i-1``.
    """
    found = []
    for row in sorted(set().union(*(e.rows.keys() for e in exports))):
        equations = []
        for index, export in enumerate(exports):
            for members in export.shown(row):
                equations.append([1.0 if a in members else 0.0 for a in atoms]
                                 + [1.0 if i < index and event.perspective in members
                                    and row in event.moved else 0.0
                                    for i, event in enumerate(events)])
        for i, event in enumerate(events):
            if event.one_person and row in event.moved:
                target = [0.0] * len(atoms) + [1.0 if j == i else 0.0 for j in range(len(events))]
                if _determinable(equations, target):
                    found.append((row, i))
    return found


# --- a coordinator who adds fake participants ------------------------------------------------
#
# The exact attacks above assume that the other people in a cell are unknown. A coordinator
# can join up to k - 1 fake participants with answers they know to one person's perspective;
# then the cell of that perspective holds one unknown person, and exact numbers would give
# them away by subtraction. Against noisy numbers the best the attacker can do is weigh each
# possible answer by how likely it makes what the export shows: the attacker below knows the
# noise's distribution (bot.domain.release_noise), the fakes' answers and that everybody else
# in the cell is fake, and picks the most likely answer per statement (a Bayes attacker with
# every answer equally likely beforehand, so chance is 1/5 for A–E and 1/4 for A–D).

CHOICES = "ABCDE"
POINTS = {"A": 3, "B": 2, "C": 1, "D": 0}


def _normal_cdf(x: float, mu: float, sigma: float) -> float:
    return 0.5 * (1 + math.erf((x - mu) / (sigma * math.sqrt(2))))


def _count_likelihood(shown: int, exact: int, upper: int) -> float:
    """P(the noisy "cannot judge" count is ``shown``), as release_noise draws it."""
    low = -math.inf if shown == 0 else shown - 0.5
    high = math.inf if shown == upper else shown + 0.5
    return _normal_cdf(high, exact, UNKNOWN_SPREAD) - _normal_cdf(low, exact, UNKNOWN_SPREAD)


def _percent_likelihood(shown: int, exact: float, raters: int) -> float:
    """P(the printed, rounded percentage is ``shown``) for noise on a mean of ``raters``."""
    sigma = STATEMENT_SPREAD / raters
    low = -math.inf if shown == 0 else shown - 0.5
    high = math.inf if shown == 100 else shown + 0.5
    return _normal_cdf(high, exact, sigma) - _normal_cdf(low, exact, sigma)


def likelihood(cell: tuple[str, ...] | None, fakes: Sequence[str], candidate: str,
               k: int) -> float:
    """How likely one candidate answer of the one real person makes what a cell shows
    (None: withheld)."""
    answers = [*fakes, candidate]
    unknown = sum(a == "E" for a in answers)
    rated = [POINTS[a] for a in answers if a != "E"]
    exact = 100 * sum(rated) / (3 * len(rated)) if rated else None
    if cell is None:  # withheld for who answered, not for what: it tells nothing
        return 1.0
    raters, _, shown_unknown, percent = cell
    probability = _count_likelihood(int(shown_unknown), unknown, len(answers))
    if percent == "":  # too few noisy raters, or nobody rated
        return probability * (1.0 if exact is None or int(raters) < VALUE_RATERS else 0.0)
    if exact is None:
        return 0.0
    return probability * _percent_likelihood(int(percent), exact, int(raters))


def rebuilt_by_likelihood(export: Export, group: str, fakes: Mapping[str, Sequence[str]],
                          k: int, choices: str = CHOICES) -> dict[str, str]:
    """Per statement number, the answer the Bayes attacker guesses for the one real person
    among ``choices`` (A–D: an attacker who knows the person could judge everything)."""
    guesses = {}
    for (level, number), cells in export.rows.items():
        if level != "Aussage" or number not in fakes:
            continue
        weights = {c: likelihood(cells.get(group), fakes[number], c, k) for c in choices}
        guesses[number] = max(choices, key=lambda c: weights[c])
    return guesses


def rebuilt_by_subtraction(export: Export, group: str, fakes: Mapping[str, Sequence[str]],
                           k: int) -> dict[str, str]:
    """What exact subtraction of the fakes gives: the attack that worked before the noise."""
    guesses = {}
    for (level, number), cells in export.rows.items():
        if level != "Aussage" or number not in fakes:
            continue
        cell = cells.get(group)
        if cell is None:  # the fakes all rated: only a "cannot judge" pushes it below k
            guesses[number] = "E"
            continue
        raters = int(cell[0])
        if raters == len(fakes[number]):
            guesses[number] = "E"
            continue
        points = round(int(cell[3] or 0) * 3 * raters / 100) - sum(
            POINTS[a] for a in fakes[number] if a != "E")
        guesses[number] = next((c for c, p in POINTS.items() if p == points), "?")
    return guesses
