"""Noise on released workshop numbers: against a coordinator who fakes participants.

Minimum group sizes and cell suppression (:mod:`bot.domain.disclosure`) assume
that the other people in a cell are unknown. Browser identities cost nothing,
so a coordinator can join ``k - 1`` fake participants with answers they know to
one person's perspective; exact numbers would then give that person's answers
away by subtraction. So every released number carries noise, and the noise is
sized for the worst case, a cell of that one person and the fakes:

- Noise is drawn once, when a release is made, and stored in it: every view
  (chat, CSV, PDF, projector, browser) prints the same noisy numbers, so
  looking again averages nothing away.
- It is added to the cell's sum, not its mean: whatever the others in a cell,
  one person's contribution is hidden by the same spread (``STATEMENT_SPREAD``,
  ``FIELD_SPREAD`` and ``UNKNOWN_SPREAD``); a cell of many people gets nearly
  exact values.
- Statements, where one answer is one number, are released once: interim
  releases show the fields only, and the closing release the statements too.
  A second noisy look at the same statement would halve what the attacker has
  to average away. Fields, where one person's share is an average over a dozen
  answers, carry little noise (a group of 5 stays within ±5 percentage points
  in 19 releases of 20) and at most ``MAX_INTERIM_RELEASES`` interim releases
  bound how often they are drawn anew.

The noise source must be one the coordinators cannot predict; the workshop desk
uses the operating system's (:class:`random.SystemRandom`).
"""

from __future__ import annotations

from typing import Protocol

STATEMENT_SPREAD = 100.0  # percentage points of one person's answer (sd): all of the scale
FIELD_SPREAD = 10.5       # percentage points of one person's field score (sd)
UNKNOWN_SPREAD = 1.5      # "cannot judge" answers (sd) in a count
VALUE_RATERS = 3          # fewest noisy raters a statement's mean is given for (noise: a third)
MAX_INTERIM_RELEASES = 3  # each interim release is another noisy look at the fields


class Noise(Protocol):
    """A source of normally distributed noise (:class:`random.Random` is one)."""

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float: ...


def noisy_count(count: int, upper: int, noise: Noise) -> int:
    """A count of "cannot judge" answers with noise, within 0 … ``upper``."""
    return min(max(round(noise.gauss(count, UNKNOWN_SPREAD)), 0), upper)


def noisy_percent(percent: float, spread: float, people: int, noise: Noise) -> float:
    """A mean over ``people`` with noise of ``spread`` on their sum, within 0 … 100."""
    return min(max(noise.gauss(percent, spread / people), 0.0), 100.0)
