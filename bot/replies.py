"""What the core asks the chat front end to do, free of any Telegram types.

The core decides *what* to say; a handler only turns an :class:`Outcome` into
Bot API calls. That keeps every decision testable without Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Button:
    """A button that sends ``data`` back to the bot, or with ``url`` opens a link instead."""

    label: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One chat message: HTML text and an optional inline keyboard."""

    text: str
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class Outcome:
    """The reaction to one update.

    ``notice`` answers a button tap (a short toast, or an alert box with
    ``alert``); ``edit`` replaces the tapped message; ``clear_keyboard`` only
    removes its buttons; ``send`` are new messages, in order.
    """

    notice: str | None = None
    alert: bool = False
    edit: Reply | None = None
    clear_keyboard: bool = False
    send: tuple[Reply, ...] = field(default_factory=tuple)

    def preceded_by(self, reply: Reply) -> Outcome:
        """The same reaction with ``reply`` sent before its other messages."""
        return replace(self, send=(reply, *self.send))
