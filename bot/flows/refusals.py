"""Refusals said once: a guard raises :class:`Refused`, and :meth:`Flows.act` shows it.

A flow that finds it cannot do what was asked (a forged button, somebody
else's run, a closed workshop, a tap on an older statement) raises
:class:`Refused` with what the person sees instead, right where it finds
out; the one entry point, :meth:`bot.flows.dispatch.Flows.act`, turns it
into that :class:`~bot.flows.outcome.Outcome`. Raised inside a unit of work,
it also undoes whatever the use case had written so far.
"""

from __future__ import annotations

from bot.flows.outcome import Outcome
from bot.output.render import Renderer


class Refused(Exception):
    """What the person sees instead of what they asked for."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("refused")  # never the notice: no message content in logs
        self.outcome = outcome


class NotTheirs(Refused):
    """A run, statement or workshop that is not the person's, or not there (any more)."""


def invalid_button(render: Renderer) -> Outcome:
    """The same polite alert whatever was wrong, so a forged id reveals nothing."""
    return Outcome(notice=render.text("notice.invalid_button"), alert=True)


def refused_button(render: Renderer) -> Refused:
    """:func:`invalid_button`, to raise."""
    return NotTheirs(invalid_button(render))
