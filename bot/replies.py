"""What the core asks the chat front end to do, free of any Telegram types.

The core decides *what* to say; a handler only turns an :class:`Outcome` into
Bot API calls. That keeps every decision testable without Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One chat message: HTML text and an optional inline keyboard."""

    text: str
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class Photo:
    """An image (PNG bytes) with an HTML caption, e.g. the results chart."""

    data: bytes
    file_name: str
    caption: str
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class Document:
    """A file to keep or forward, e.g. the printable PDF report."""

    data: bytes
    file_name: str
    caption: str
    keyboard: Keyboard = ()


Message = Reply | Photo | Document


@dataclass(frozen=True)
class Outcome:
    """The reaction to one update.

    ``notice`` answers a button tap (a short toast, or an alert box with
    ``alert``); ``edit`` replaces the tapped message; ``clear_keyboard`` only
    removes its buttons; ``send`` are new messages (texts, images, files), in order.
    """

    notice: str | None = None
    alert: bool = False
    edit: Reply | None = None
    clear_keyboard: bool = False
    send: tuple[Message, ...] = field(default_factory=tuple)
