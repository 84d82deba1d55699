"""A coordinator who tries to compute one person's answers from the workshop's exports.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy

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


def read_export(content: bytes, groups: Mapping[str, tuple[str, ...]]) -> Export:
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    rows: dict[Row, dict[str, tuple[str, ...] | None]] = {}
    for level, number, _title, label, raters, answers, unknown, percent, _assessment in lines[1:]:
        numbers = (raters, answers, unknown, percent)
        rows.setdefault((level, number), {})[label] = None if not any(numbers) else numbers
    return Export(rows, groups)


def withheld_counts_printed(content: bytes) -> bool:
    """Whether any withheld cell still prints one of its counts."""
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return any(row[7] == "" and any(row[4:7]) for row in lines[1:])


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
