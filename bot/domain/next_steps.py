"""Agreed next steps: what the workshop undertakes to do, who does it, and by when.

The original process ended with the workshop agreeing on next steps; a
report alone leaves the room without them. Coordinators type each step as
one message of three lines (what, who, by when), so a phone keyboard is
enough; this module reads such a message and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

MOST_STEPS = 5                                 # a workshop agrees on a few things, not a plan
LIMITS = {"what": (3, 200), "who": (2, 100), "due": (2, 40)}


@dataclass(frozen=True)
class AgreedStep:
    what: str
    who: str
    due: str   # as the room said it: "bis März 2027", "nächste Ratssitzung"


@dataclass(frozen=True)
class Step:
    """An agreed step in its place (1 to ``MOST_STEPS``) in a workshop's list."""

    position: int
    what: str
    who: str
    due: str


def parse_step(text: str | None) -> AgreedStep | None:
    """A step from three lines (or three parts separated by ";"); ``None`` if it is not one."""
    if not text:
        return None
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [" ".join(part.split()) for part in lines[0].split(";") if part.strip()]
    if len(lines) != 3 or lines[0].startswith("/"):
        return None
    step = AgreedStep(*lines)
    for name, (low, high) in LIMITS.items():
        if not low <= len(getattr(step, name)) <= high:
            return None
    return step


def free_position(taken: set[int]) -> int | None:
    """The lowest free place for a new step, or ``None`` when all five are used."""
    return next((p for p in range(1, MOST_STEPS + 1) if p not in taken), None)
