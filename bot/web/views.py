"""An :class:`~bot.flows.outcome.Outcome` as a page shows it, kept briefly per person.

A form's POST carries out one action and redirects to the address of the page
its outcome belongs to; the GET that follows shows what the flows answered,
once: a later GET of any address shows that page from what is stored. In
between, the answer waits here, in memory and only for a few minutes: a
person's view is replaced by their next one, and charts, reports and exports
(made in memory, never written to disk) can be fetched by their random id by
that person only, also after the page showed them.
"""

from __future__ import annotations

import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from bot.domain.progress import Position
from bot.flows.outcome import Button, Confirmation, Document, Form, Message, Outcome, Photo, Reply
from bot.web.forms import ShownButton, ShownConfirmation, ShownForm, shown_ask

KEEP_SECONDS = 10 * 60
MAX_PEOPLE = 5_000  # views kept at once; the oldest go first
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ShownMessage:
    html: Markup  # Telegram's HTML subset, escaped by the templates that made it
    rows: tuple[tuple[ShownButton, ...], ...] = ()
    image: str | None = None  # id of a kept image (a chart, a QR code)
    alt: str = ""
    download: str | None = None  # id of a kept file (a PDF report, a CSV export)
    file_name: str = ""
    progress: Position | None = None  # the statement answered here: the page draws its bar
    way_back: bool = False  # a point to stop: the page says below it how to come back
    asks: ShownForm | ShownConfirmation | None = None  # shown instead of the buttons
    expected: tuple[tuple[str, int], ...] = ()  # number fields: perspective, people expected
    expected_at: int = 0  # the rows shown before the number fields


@dataclass(frozen=True)
class KeptFile:
    data: bytes
    file_name: str


@dataclass
class View:
    notice: str | None = None
    alert: bool = False
    messages: list[ShownMessage] = field(default_factory=list)
    workshop: int | None = None  # a coordinator's workshop: its projector view is offered
    telegram: str | None = None  # the same invitation in Telegram, where the bot runs
    pending: bool = False  # still being made (a PDF report): the page says so and refreshes
    offered: frozenset[str] = frozenset()  # the values of its buttons (see bot.web.header)
    files: dict[str, KeptFile] = field(default_factory=dict)
    path: str | None = None  # the address it is shown at (``None``: whichever opens next)
    shown: bool = False  # shown once: a later GET shows the page from what is stored
    announced_at: str | None = None  # the address that said it was being made, if it took long
    made_at: float = field(default_factory=time.monotonic)

    @property
    def answering(self) -> Position | None:
        """Where the statement answered on this page stands, if it shows one."""
        return next((m.progress for m in self.messages if m.progress is not None), None)

    @property
    def asks(self) -> bool:
        """Whether a message on this page asks for a form (its style sheet is needed)."""
        return any(message.asks is not None for message in self.messages)

    @property
    def way_back(self) -> bool:
        return any(message.way_back for message in self.messages)


def plain(html: str) -> str:
    """The text of a message without its tags, e.g. for an image's text alternative."""
    return Markup(_TAG.sub("", html)).unescape()


def view_of(outcome: Outcome, messages: tuple[Message, ...],
            value: Callable[[Button], str | None],
            managed_workshop: Callable[[list[Button]], int | None],
            link: Callable[[Button], str | None] = lambda button: None,
            expected_count: Callable[[tuple[Button, ...]], tuple[str, int] | None]
            = lambda row: None) -> View:
    """The page for an outcome; ``messages`` are its messages, ``later`` ones included.

    A button is a form's button (``value``), or a link to another page (``link``) or
    elsewhere (its ``url``). A row of buttons that only count people up or down
    (``expected_count``) is a number field on the page, all of them in one form.

    The texts are shown as the flows made them: in the browser's words already
    (:class:`bot.web.pages.RequestContext`), never rewritten here.
    """
    view = View(notice=outcome.notice, alert=outcome.alert)
    shown = ([outcome.edit] if outcome.edit is not None else []) + list(messages)
    buttons: list[Button] = []
    def button(b: Button) -> ShownButton:
        return ShownButton(b.label, value(b), b.url or link(b), b.primary)

    for message in shown:
        counted = [(row, expected_count(row)) for row in message.keyboard]
        rows = tuple(tuple(button(b) for b in row) for row, count in counted if count is None)
        expected = tuple(count for _, count in counted if count is not None)
        before = next((i for i, (_, count) in enumerate(counted) if count is not None), 0)
        buttons.extend(b for row in message.keyboard for b in row)
        match message:
            case Reply(text=text, asks=Form() | Confirmation() as asks):
                view.messages.append(ShownMessage(Markup(text), asks=shown_ask(asks, button)))
            case Reply(text=text, progress=progress):
                view.messages.append(ShownMessage(Markup(text), rows, progress=progress,
                                                  expected=expected, expected_at=before,
                                                  way_back=(outcome.stopping_point
                                                            and message is outcome.edit)))
            case Photo(data=data, file_name=file_name, caption=caption, description=description):
                key = _keep(view, data, file_name)
                view.messages.append(ShownMessage(Markup(caption), rows, image=key,
                                                  alt=description or plain(caption)))
            case Document(data=data, file_name=file_name, caption=caption):
                key = _keep(view, data, file_name)
                view.messages.append(ShownMessage(Markup(caption), rows, download=key,
                                                  file_name=file_name))
    view.offered = frozenset(filter(None, map(value, buttons)))
    view.workshop = managed_workshop(buttons)
    return view


def _keep(view: View, data: bytes, file_name: str) -> str:
    key = secrets.token_urlsafe(16)
    view.files[key] = KeptFile(data, file_name)
    return key


class KeptViews:
    """The latest view per person, for ``KEEP_SECONDS``; at most ``people`` at once.

    Only stored people have a kept view (a visitor's page is made afresh), and when
    room runs out, views without files go first: a flood of newcomers cannot push out
    the report somebody has just asked for.
    """

    def __init__(self, keep_seconds: float = KEEP_SECONDS, people: int = MAX_PEOPLE) -> None:
        self.keep_seconds = keep_seconds
        self.people = people
        self._plain: OrderedDict[int, View] = OrderedDict()
        self._with_files: OrderedDict[int, View] = OrderedDict()

    def put(self, person: int, view: View) -> None:
        self.forget(person)
        (self._with_files if view.files else self._plain)[person] = view
        while len(self._plain) + len(self._with_files) > self.people:
            (self._plain or self._with_files).popitem(last=False)

    def add(self, person: int, view: View) -> None:
        """More messages below what the person sees next (on whichever page they open).

        Files already offered stay fetchable."""
        current = self.get(person)
        if current is None or current.shown:
            if current is not None:
                view.files.update(current.files)
            self.put(person, view)
            return
        current.messages.extend(view.messages)
        current.files.update(view.files)
        if current.files and person in self._plain:
            self.put(person, current)

    def get(self, person: int) -> View | None:
        view = self._plain.get(person) or self._with_files.get(person)
        if view is not None and time.monotonic() - view.made_at > self.keep_seconds:
            self.forget(person)
            return None
        return view

    def take(self, person: int, path: str) -> View | None:
        """What the page at ``path`` shows once: the outcome that led there (or messages
        for any page), else ``None``. Opening another page first forgets it, so it is never
        shown on a later visit; what is still being made waits for its own page, and once
        made, the page that said so gets it to move on to its address."""
        view = self.get(person)
        if view is None or view.shown:
            return None
        if view.path not in (None, path):
            if view.announced_at == path:  # done at last: the page that waited moves on to it
                return view
            view.shown = not view.pending
            return None
        view.shown = not view.pending
        return view

    def file(self, person: int, key: str) -> KeptFile | None:
        view = self.get(person)
        return view.files.get(key) if view is not None else None

    def forget(self, person: int) -> None:
        self._plain.pop(person, None)
        self._with_files.pop(person, None)
