"""Who a browser request is: a stored person, or a visitor with nothing stored yet."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Person:
    id: int
    token: str
    coded: bool = True  # the session's resume code is stored (sessions from before: not yet)


@dataclass
class Visitor:
    """A browser with a cookie of ours but nothing stored: the welcome costs no row."""

    token: str


Session = Person | Visitor
