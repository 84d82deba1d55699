"""What the core asks the chat front end to do, free of any Telegram types.

The core decides *what* to say; a handler only turns an :class:`Outcome` into
Bot API calls. That keeps every decision testable without Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


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
class Upload:
    """A file message: a photo (an invitation's QR code) or a document (an export)."""

    kind: Literal["photo", "document"]
    content: bytes
    filename: str
    caption: str | None = None  # HTML, at most 1024 characters


@dataclass(frozen=True)
class Broadcast:
    """The same messages to many people: a bulk notification, paced by the front end."""

    recipients: tuple[int, ...]
    replies: tuple[Reply, ...]
    topic: str  # what is being sent (a workshop's municipality), for the report afterwards


@dataclass(frozen=True)
class BroadcastReport:
    delivered: int
    unreachable: int  # blocked the bot, deleted their account, or kept failing

    @property
    def total(self) -> int:
        return self.delivered + self.unreachable


@dataclass(frozen=True)
class Outcome:
    """The reaction to one update.

    ``notice`` answers a button tap (a short toast, or an alert box with
    ``alert``); ``edit`` replaces the tapped message; ``clear_keyboard`` only
    removes its buttons; ``send`` are new messages, in order; ``broadcast``
    goes to other people afterwards.
    """

    notice: str | None = None
    alert: bool = False
    edit: Reply | None = None
    clear_keyboard: bool = False
    send: tuple[Reply | Upload, ...] = field(default_factory=tuple)
    broadcast: Broadcast | None = None
