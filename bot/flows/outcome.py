"""What the core asks the chat front end to do, free of any Telegram types.

The core decides *what* to say; a handler only turns an :class:`Outcome` into
Bot API calls. That keeps every decision testable without Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.flows.actions import ButtonAction


@dataclass(frozen=True)
class Button:
    """A button that sends ``action`` back to the bot, or with ``url`` opens a link instead.

    The channel encodes the action (see :func:`bot.flows.buttons.encode`).
    ``primary``: the step the message leads to, among choices; a channel that
    styles buttons makes it stand out.
    """

    label: str
    action: ButtonAction | None = None
    url: str | None = None
    primary: bool = False


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One chat message: HTML text and an optional inline keyboard.

    ``live``: it shows the statement the person answers now. Only one copy of
    that may be answerable, so a channel that keeps earlier messages takes
    the buttons off the previous live statement (a channel that shows one
    page at a time can ignore it).
    """

    text: str
    keyboard: Keyboard = ()
    live: bool = False


@dataclass(frozen=True)
class Photo:
    """An image (PNG bytes) with an HTML caption: the results chart, an invitation's QR code.

    ``description`` says in words what the image shows, values included: the
    text alternative where a channel can give one (the browser's ``alt``).
    """

    data: bytes
    file_name: str
    caption: str
    keyboard: Keyboard = ()
    description: str = ""


@dataclass(frozen=True)
class Document:
    """A file to keep or forward: a printable PDF report, a workshop's CSV export."""

    data: bytes
    file_name: str
    caption: str
    keyboard: Keyboard = ()


Message = Reply | Photo | Document


@dataclass(frozen=True)
class BroadcastReport:
    delivered: int
    unreachable: int  # blocked the bot, deleted their account, or kept failing

    @property
    def total(self) -> int:
        return self.delivered + self.unreachable


@dataclass(frozen=True)
class Broadcast:
    """The same messages to many people: a bulk notification, sent through
    :class:`bot.flows.delivery.Delivery`, each recipient through their own channel.

    ``reported`` makes the messages that tell the sender how it went, once
    every recipient had their turn.
    """

    recipients: tuple[int, ...]
    replies: tuple[Reply, ...]
    reported: Callable[[BroadcastReport], tuple[Message, ...]] | None = None


@dataclass(frozen=True)
class Outcome:
    """The reaction to one update.

    ``notice`` answers a button tap (a short toast, or an alert box with
    ``alert``); ``edit`` replaces the tapped message; ``clear_keyboard`` only
    removes its buttons; ``send`` are new messages (texts, images, files), in
    order; ``later`` makes further messages that take a while (a summary with
    its chart) and is called only once all that is delivered, so the tap is
    answered without waiting for them; ``broadcast`` goes to other people
    afterwards.
    """

    notice: str | None = None
    alert: bool = False
    edit: Reply | None = None
    clear_keyboard: bool = False
    send: tuple[Message, ...] = field(default_factory=tuple)
    later: Callable[[], Awaitable[tuple[Message, ...]]] | None = None
    broadcast: Broadcast | None = None

    def preceded_by(self, message: Message) -> Outcome:
        """The same reaction with ``message`` sent before its other messages."""
        return replace(self, send=(message, *self.send))
