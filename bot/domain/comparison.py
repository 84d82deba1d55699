"""A field's change against the same person's previous run.

Only ever the person's own earlier run: the self-check is no ranking, so a
municipality is never compared with another one. Pure functions of scored
results, shared by the chat summary, the chart and the printable report.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.scoring import FieldResult


@dataclass(frozen=True)
class FieldChange:
    """A field's score against the same person's previous finished run, in whole percent.

    The delta is taken between the rounded percentages shown to the person, so
    "damals 48 %, jetzt 56 %" always reads as "+8".
    """

    previous: int | None  # None: the previous run could not assess this field
    current: int | None

    @property
    def delta(self) -> int | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


def compare(current: tuple[FieldResult, ...],
            previous: tuple[FieldResult, ...]) -> dict[str, FieldChange]:
    """Per field present in both runs: the two scores to compare (``None``: not assessed)."""
    before = {result.field.id: result for result in previous}
    return {result.field.id: FieldChange(previous=_assessed_percent(before[result.field.id]),
                                         current=_assessed_percent(result))
            for result in current if result.field.id in before}


def _assessed_percent(result: FieldResult) -> int | None:
    return None if result.insufficient else result.score_percent
