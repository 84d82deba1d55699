"""The one refusal of a button that is forged, malformed or not the person's own."""

from __future__ import annotations

from bot.flows.outcome import Outcome
from bot.output.render import Renderer


def invalid_button(render: Renderer) -> Outcome:
    """The same polite alert whatever was wrong, so a forged id reveals nothing."""
    return Outcome(notice=render.text("notice.invalid_button"), alert=True)
