"""Who a browser request comes from: a stored person, or a visitor with nothing stored."""

from __future__ import annotations

from dataclasses import dataclass

NOBODY = 0  # the flows' user id for a visitor not stored yet: no row, nothing written


@dataclass
class Person:
    id: int
    token: str


@dataclass
class Visitor:
    """A browser with a cookie of ours but nothing stored: the welcome costs no row."""

    token: str


Session = Person | Visitor
