"""Which cells of a workshop result may be shown: statistical disclosure control.

A row of the result (one field or one statement) has a cell per shown group
and the overall cell, and the overall is the sum of the groups. Three ways to
compute a single person's answer from such rows are closed here:

- Small cells: a cell is shown only when at least ``k`` people rated there.
- Complementary cells: if exactly one group were withheld beside a shown
  overall, overall minus the others would give it away. So withheld groups
  come at least in twos, and together they hold at least ``k`` answers and no
  rater or at least ``k``; if not enough groups are left to withhold, the
  overall is withheld as well.
- Differencing: between two releases, a cell that changed must have changed by
  at least ``k`` people, or the difference is their answer. A cell that did not
  change may be shown again only if it was shown before in the same
  composition; otherwise it would uncover what an earlier release withheld.
  Cells already known from the last release cannot protect a withheld one,
  and the withheld cells together must have changed by ``k`` people or more.

Coordinators' own answers are never counted (see :mod:`bot.domain.workshop`),
so "people" here are participants the coordinators cannot subtract.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LOWEST_MIN_GROUP = 3    # below this no minimum group size protects anybody
DEFAULT_MIN_GROUP = 5   # what German staff and works-council agreements usually promise


@dataclass(frozen=True)
class Cell:
    """What decides whether one group's value in one row may be shown."""

    raters: int               # people who rated here (A–D)
    answered: int = -1        # people who answered here, "cannot judge" included; -1: raters
    changed: int | None = None  # people whose answers here differ from the last release; None: first
    shown_before: bool = False  # shown in the last release, by the same group of perspectives

    @property
    def answers(self) -> int:
        return self.raters if self.answered < 0 else self.answered

    @property
    def known(self) -> bool:
        """Unchanged and shown last time: everybody knows its value already."""
        return self.changed == 0 and self.shown_before


def withheld_on_its_own(cell: Cell, k: int) -> bool:
    """Too few raters, or a change that would expose the few people who made it."""
    if cell.raters < k:
        return True
    if cell.changed is None:
        return False
    if cell.changed == 0:
        return not cell.shown_before
    return cell.changed < k


def suppress_row(groups: Sequence[Cell], overall: Cell, k: int,
                 forced: Iterable[int] = ()) -> tuple[frozenset[int], bool]:
    """The indices of the groups to withhold in one row, and whether the overall goes too.

    ``forced``: groups withheld because their field's cell is (a statement row
    never shows a group its field row had to hide). The next group taken is
    the one with the fewest raters, the later one on a tie, so that as little
    as possible is hidden.
    """
    withheld = {i for i, cell in enumerate(groups) if withheld_on_its_own(cell, k)}
    withheld |= {i for i in forced if not groups[i].known}  # a known value hides nothing
    overall_withheld = withheld_on_its_own(overall, k)
    while True:
        unknown = [i for i in withheld if not groups[i].known]
        if overall_withheld:
            # The overall is the sum of the groups: one of them must stay unknown.
            if unknown or not groups:
                break
        elif not withheld or _protected(groups, unknown, overall, k):
            break
        candidates = [i for i in range(len(groups)) if i not in withheld]
        fresh = [i for i in candidates if not groups[i].known]
        if fresh:
            withheld.add(min(reversed(fresh), key=lambda i: groups[i].raters))
        elif overall_withheld and candidates:
            withheld.add(candidates[-1])
        elif overall_withheld:
            break
        else:
            overall_withheld = True
    return frozenset(withheld), overall_withheld


def _protected(groups: Sequence[Cell], unknown: Sequence[int], overall: Cell, k: int) -> bool:
    """Whether the withheld groups' sum (overall minus the shown ones) exposes nobody.

    The sum holds their points and their counts ("cannot judge" included): it
    must stand for no rater or at least ``k``, and for at least ``k`` answers.
    """
    rated = sum(groups[i].raters for i in unknown)
    if len(unknown) < 2 or 0 < rated < k or sum(groups[i].answers for i in unknown) < k:
        return False
    if overall.changed is None or overall.changed == 0:
        return True  # a first release, or a row nobody changed: nothing new to subtract
    return sum(groups[i].changed or 0 for i in unknown) >= k

