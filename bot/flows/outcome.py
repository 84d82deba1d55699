"""What the core asks the chat front end to do, free of any Telegram types.

The core decides *what* to say; a handler only turns an :class:`Outcome` into
Bot API calls. That keeps every decision testable without Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.domain.progress import Position
from bot.domain.spoken import speaking
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


# --- what a message asks for -------------------------------------------------------
# A chat asks in words and waits for a message or a tap; a page asks with form fields.
# These say what is wanted, so each channel can ask in its own way: Telegram keeps the
# reply's text and keyboard, the browser shows labelled fields, boxes and a way back.


@dataclass(frozen=True)
class TextInput:
    """A value to type: ``label`` says what, ``example`` shows one; ``lines`` > 1 is a
    longer text. ``value`` and ``error`` come back with a value that was refused, so the
    person sees what they typed next to what is wrong with it."""

    name: str
    label: str
    max_length: int
    example: str = ""
    hint: str = ""  # the limits in words, e.g. "3 bis 200 Zeichen"
    lines: int = 1
    value: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    chosen: bool = False


@dataclass(frozen=True)
class Choice:
    """A choice of one option (``most`` 1) or of up to ``most``; ``hint`` says the limit."""

    name: str
    label: str
    options: tuple[Option, ...]
    most: int = 1
    hint: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Form:
    """Typed values and choices sent together.

    ``key`` names the form: the action that opened it, from which a channel that
    sends the fields together makes the typed action (see ``bot.web.forms``);
    ``None`` for the typed text the flows await (a name), which is :class:`bot.flows.actions.Text`.
    ``back`` is the way out without sending; ``submit`` labels the sending button.
    A channel that shows the form shows it instead of the reply's keyboard.
    """

    key: ButtonAction | None
    fields: tuple[TextInput | Choice, ...]
    submit: str
    back: Button
    error: str | None = None
    others: tuple[Button, ...] = ()  # further answers beside sending, e.g. removing a name


TYPED_TEXT = "text"  # the name of the one field of a form without a key


@dataclass(frozen=True)
class Confirmation:
    """A question with one answer that acts (``confirm``, e.g. deleting) and one that does not."""

    confirm: Button
    cancel: Button

    @property
    def keyboard(self) -> Keyboard:
        """The two answers as a chat shows them: one button a row."""
        return ((self.confirm,), (self.cancel,))


Ask = Form | Confirmation


@dataclass(frozen=True)
class Reply:
    """One chat message: HTML text and an optional inline keyboard.

    ``live``: it shows the statement the person answers now. Only one copy of
    that may be answerable, so a channel that keeps earlier messages takes
    the buttons off the previous live statement (a channel that shows one
    page at a time can ignore it). ``progress``: where that statement stands
    in its run, for a channel that draws it (the browser's progress bar).

    ``asks``: what the message asks for, for a channel that asks with form
    fields; the keyboard (and awaiting a typed message) is how a chat asks it.
    """

    text: str
    keyboard: Keyboard = ()
    live: bool = False
    progress: Position | None = None
    asks: Ask | None = None


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
    compose: Callable[[], tuple[Reply, ...]]  # the messages, made in each recipient's language
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
    afterwards. ``stopping_point``: ``edit`` marks a point where a person may well
    stop (a pause, a field's end), so a channel that cannot reach them later says
    there how to come back.
    """

    notice: str | None = None
    alert: bool = False
    edit: Reply | None = None
    clear_keyboard: bool = False
    send: tuple[Message, ...] = field(default_factory=tuple)
    later: Callable[[], Awaitable[tuple[Message, ...]]] | None = None
    broadcast: Broadcast | None = None
    stopping_point: bool = False

    def preceded_by(self, message: Message) -> Outcome:
        """The same reaction with ``message`` sent before its other messages."""
        return replace(self, send=(message, *self.send))


def spoken_outcome(outcome: Outcome, tag: str) -> Outcome:
    """``outcome`` whose later messages are made in ``tag`` too, whenever they are made."""
    if outcome.later is None:
        return outcome
    later = outcome.later

    async def later_in_tag() -> tuple[Message, ...]:
        with speaking(tag):
            return await later()
    return replace(outcome, later=later_in_tag)
