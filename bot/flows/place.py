"""The pages a person can open, as typed addresses: what a channel with addresses shows.

A channel that keeps one page per address (the browser) names each page by one
of these values; :class:`bot.flows.places.Places` says which page an outcome
belongs to and shows a page from what is stored, so an address opened again a
day later shows the truth of that day.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Home:
    """Where the person stands: the welcome, their open statement, or what is next."""


@dataclass(frozen=True)
class StatementPage:
    """One statement of a run, with its stored answer (changeable) or open to answer."""

    run_id: int
    statement_id: str


@dataclass(frozen=True)
class PausePage:
    run_id: int


@dataclass(frozen=True)
class FieldOverview:
    """The fields of action, each with its number of statements, to answer one of them."""


@dataclass(frozen=True)
class ResultPage:
    run_id: int


@dataclass(frozen=True)
class DetailPage:
    """A field's full assessment and suggestions (``page`` 0 first)."""

    run_id: int
    field_id: str
    page: int = 0


@dataclass(frozen=True)
class ReviewPage:
    """„Antworten ändern“: which field (``field_id`` ``None``), or one field's answers."""

    run_id: int
    field_id: str | None = None
    page: int = 0


@dataclass(frozen=True)
class ChangePage:
    """One given answer with the choices to change it."""

    run_id: int
    statement_id: str


@dataclass(frozen=True)
class NextStepsPage:
    run_id: int
    field_id: str | None = None


@dataclass(frozen=True)
class ReportPage:
    """The printable report of a run (``None``: of the run the person works on)."""

    run_id: int | None = None


@dataclass(frozen=True)
class PrivacyPage:
    pass


@dataclass(frozen=True)
class HelpPage:
    pass


@dataclass(frozen=True)
class DeletePage:
    """The question before deleting the person's data."""


@dataclass(frozen=True)
class WorkshopsPage:
    """The workshops a person coordinates, or setting one up."""


# a coordinator's pages that only show
WORKSHOP_VIEWS = ("menu", "status", "result", "steps", "dialogue", "reference")


@dataclass(frozen=True)
class WorkshopPage:
    """A coordinator's page of one workshop: its menu or one of ``WORKSHOP_VIEWS``."""

    workshop_id: int
    view: str = "menu"


@dataclass(frozen=True)
class ParticipationPage:
    """A participant's page of one workshop: the perspective, the open statement, or done."""

    workshop_id: int


Place = (Home | StatementPage | PausePage | FieldOverview | ResultPage | DetailPage | ReviewPage
         | ChangePage | NextStepsPage | ReportPage | PrivacyPage | HelpPage | DeletePage
         | WorkshopsPage | WorkshopPage | ParticipationPage)
