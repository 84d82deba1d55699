"""What the bot keeps: plain values as the store hands them out, without any I/O.

The flows and the output layer read these; only :mod:`bot.store` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.domain.perspectives import Grouping


@dataclass(frozen=True)
class Run:
    id: int
    user_id: int
    workshop_id: int | None
    field_ids: tuple[str, ...] | None
    status: str
    cursor: str | None
    started_at: str
    finished_at: str | None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class MunicipalityName:
    """The name for the report's title page."""

    name: str | None
    decided: bool  # given or skipped at least once: the bot does not ask on its own again


class Awaited(Enum):
    """What a person's next typed message is taken for."""

    REPORT_NAME = "report_name"      # the municipality's name for the printable report
    WORKSHOP_NAME = "workshop_name"  # the municipality of a workshop being set up
    WORKSHOP_STEP = "workshop_step"  # an agreed next step of a workshop (what, who, by when)
    PAPER_SHEET = "paper_sheet"      # a paper sheet's code and answers, for a perspective


@dataclass(frozen=True)
class PendingInput:
    """The one thing the bot waits for a person to type, since when and until when.

    Asking for something new replaces the earlier question: a message answers
    the latest question only.
    """

    user_id: int
    awaited: Awaited
    run_id: int | None  # REPORT_NAME: the run whose report follows the name
    since: str
    until: str
    workshop_id: int | None = None  # WORKSHOP_STEP, PAPER_SHEET: the workshop it belongs to
    position: int | None = None     # WORKSHOP_STEP: its place in the list (1–5)
    candidate: str | None = None  # REPORT_NAME: a doubtful text the person may confirm as the name
    perspective: str | None = None  # PAPER_SHEET: the perspective of the sheets typed now


@dataclass(frozen=True)
class Workshop:
    id: int
    token: str
    coordinator_token: str | None
    municipality: str
    field_ids: tuple[str, ...] | None
    status: str
    revision: int
    created_by: int
    created_at: str
    closed_at: str | None
    grouping: Grouping = Grouping()  # how the perspectives are shown

    @property
    def open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Participant:
    workshop_id: int
    user_id: int
    perspective: str | None
    joined_at: str


@dataclass(frozen=True)
class Draft:
    """A workshop being set up: the name (once given), the fields and the grouping chosen
    so far, and how many people the coordinator expects from each perspective."""

    user_id: int
    municipality: str | None
    field_ids: tuple[str, ...]
    created_at: str
    grouping: Grouping = Grouping()
    expected: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Contribution:
    """A participant's answers in a workshop, for the aggregate: never shown as such."""

    user_id: int
    perspective: str
    coordinator: bool          # created or co-coordinates the workshop
    answers: dict[str, str]


@dataclass(frozen=True)
class Release:
    """A released workshop result: the shown numbers as stored, and when."""

    id: int
    number: int                # 1 for the workshop's first release
    kind: str                  # 'interim' or 'final'
    released_at: str
    result: str                # JSON, see bot.domain.workshop_release


class Channel(Enum):
    """How a person is reached: the channel they came through, stored with them."""

    TELEGRAM = "telegram"  # their private chat with the bot, whose id is their user id
    BROWSER = "browser"    # their page: a notice waits there until they open it next
