"""Everything a person can do, as typed actions.

A channel decodes its input once into one of these values and hands it to
:meth:`bot.flows.dispatch.Flows.act`; a button carries one in the form of
:mod:`bot.flows.buttons`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.invitations import StartPayload
from bot.flows.place import Place

# --- commands and messages ----------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """/start, with the deep link's payload if it came with one."""

    payload: StartPayload | None = None


@dataclass(frozen=True)
class Resume:
    """/weiter."""


@dataclass(frozen=True)
class ShowResults:
    """/ergebnis (``run_id`` ``None``: the current run) and the results button."""

    run_id: int | None = None


@dataclass(frozen=True)
class Help:
    """/hilfe, listing the commands the channel offers (see :mod:`bot.flows.commands`)."""

    commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class CancelRequest:
    """/abbrechen."""


@dataclass(frozen=True)
class ReportRequest:
    """/bericht."""


@dataclass(frozen=True)
class WorkshopCommand:
    """/workshop, optionally with the municipality's name."""

    argument: str = ""


@dataclass(frozen=True)
class PrivacyStatement:
    """/datenschutz."""


@dataclass(frozen=True)
class EraseRequest:
    """/loeschen."""


@dataclass(frozen=True)
class Show:
    """Open a page by its address: shows what is stored, changes nothing.

    In a keyboard it stands for a link to that page (only channels with
    addresses show such a keyboard)."""

    place: Place


@dataclass(frozen=True)
class Text:
    """Free text: a name the bot asked for, else a hint."""

    text: str


@dataclass(frozen=True)
class AnswerField:
    """Several answers to one field's statements at once (the browser's field page).

    ``choices`` are (statement id, choice key) pairs as the form sent them, checked
    by the flow: a partly filled page carries only the statements answered on it.
    """

    run_id: int
    field_id: str
    choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Media:
    """A sticker, photo, voice message or file: nothing to evaluate."""


@dataclass(frozen=True)
class UnknownCommand:
    command: str


# --- buttons ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    run_id: int
    statement_id: str
    choice: str


@dataclass(frozen=True)
class AnswerAgain:
    """An answer on a statement shown again by its address: already answered (then it
    changes the answer) or the open one."""

    run_id: int
    statement_id: str
    choice: str


@dataclass(frozen=True)
class Back:
    run_id: int
    statement_id: str


@dataclass(frozen=True)
class Info:
    run_id: int
    statement_id: str


@dataclass(frozen=True)
class Pause:
    run_id: int


@dataclass(frozen=True)
class Unpause:
    """▶️ on the pause message: the open statement again, in its place."""

    run_id: int


@dataclass(frozen=True)
class Cancel:
    run_id: int


@dataclass(frozen=True)
class ContinueRun:
    """Switch to another open run."""

    run_id: int


@dataclass(frozen=True)
class Keep:
    """Keep the run going (after "cancel?" or from a review)."""


@dataclass(frozen=True)
class Begin:
    pass


@dataclass(frozen=True)
class BeginField:
    """Answer one field of action only (``None``: choose which first)."""

    field_id: str | None = None


@dataclass(frozen=True)
class ReviewFields:
    """Which field to review; ``in_place`` edits the tapped message instead of sending a new one."""

    run_id: int
    in_place: bool = False


@dataclass(frozen=True)
class ReviewField:
    """A field's answers; with a ``page`` shown in place, without one as a new message."""

    run_id: int
    field_id: str
    page: int | None = None


@dataclass(frozen=True)
class FieldDetail:
    """A field's full assessment and all its suggestions, in place of the short result (page by page)."""

    run_id: int
    field_id: str
    page: int = 0


@dataclass(frozen=True)
class SummaryBack:
    """Back from a field's full text to the short result."""

    run_id: int


@dataclass(frozen=True)
class Priorities:
    """Choosing the next steps: which field's suggestions (``None``: the choice so far)."""

    run_id: int
    field_id: str | None = None


@dataclass(frozen=True)
class Prioritize:
    """Choose (or drop) one suggestion as a next step: a state, not a toggle."""

    run_id: int
    statement_id: str
    chosen: bool


@dataclass(frozen=True)
class ChangeOpen:
    run_id: int
    statement_id: str


@dataclass(frozen=True)
class Change:
    run_id: int
    statement_id: str
    choice: str


@dataclass(frozen=True)
class Report:
    run_id: int


@dataclass(frozen=True)
class NameAsk:
    run_id: int


@dataclass(frozen=True)
class NameSkip:
    pass


@dataclass(frozen=True)
class NameRemove:
    pass


@dataclass(frozen=True)
class NameConfirm:
    """"Yes, take it as the name" for a typed text that read like a sentence."""


MANAGE_ACTIONS = ("menu", "status", "result", "invite", "renew", "close", "share", "csv",
                  "xlsx", "ods", "paper", "pdf", "cocoord", "delete", "release", "remind", "steps",
                  "browser", "reference", "dialogue")
CONFIRMED_ACTIONS = ("renew", "close", "share", "delete", "cocoord", "reference", "unreference")
DRAFT_STEPS = ("all", "create", "drop", "new", "groups", "fields")
MOST_EXPECTED = 99  # people a coordinator may expect from one perspective


@dataclass(frozen=True)
class ManageWorkshop:
    """A coordinator's menu entry (one of ``MANAGE_ACTIONS``)."""

    what: str
    workshop_id: int


@dataclass(frozen=True)
class ConfirmWorkshop:
    """"Yes" to a change (one of ``CONFIRMED_ACTIONS``), at the workshop revision it was asked at."""

    what: str
    workshop_id: int
    revision: int


@dataclass(frozen=True)
class ChoosePerspective:
    """One of ``PERSPECTIVES``; ``""`` from a form sent without a choice."""

    workshop_id: int
    perspective: str


@dataclass(frozen=True)
class ChangePerspective:
    """Choose the perspective again: a mistake, noticed before the first answer."""

    workshop_id: int


@dataclass(frozen=True)
class RemoveCoordinator:
    """The creator removes a co-coordinator (named by their user id, never shown)."""

    workshop_id: int
    user_id: int


@dataclass(frozen=True)
class EditNextStep:
    """Type an agreed next step in ``position`` (1–5); ``None``: a new one in the first free place."""

    workshop_id: int
    position: int | None


@dataclass(frozen=True)
class StepForStatement:
    """Type a new agreed step for a statement every group rated low (a shared low statement)."""

    workshop_id: int
    statement_id: str


@dataclass(frozen=True)
class RemoveNextStep:
    workshop_id: int
    position: int


@dataclass(frozen=True)
class DraftField:
    """Select (or deselect) one field of a workshop being set up: a state, not a toggle,
    so a repeated tap or update changes nothing."""

    field_id: str
    select: bool


@dataclass(frozen=True)
class DraftStep:
    """Setting a workshop up: one of ``DRAFT_STEPS``."""

    what: str


@dataclass(frozen=True)
class DraftGrouping:
    """How the workshop being set up shows its perspectives: one of
    :data:`bot.domain.perspectives.MODES`."""

    mode: str


@dataclass(frozen=True)
class DraftAlone:
    """In a grouping of one's own: a perspective on its own (``alone``) or in its sector.
    A state, not a toggle."""

    perspective: str
    alone: bool


@dataclass(frozen=True)
class DraftExpect:
    """How many people (0 to ``MOST_EXPECTED``) the coordinator expects from a perspective.
    The number itself, not a step, so a repeated tap changes nothing."""

    perspective: str
    count: int


@dataclass(frozen=True)
class DraftExpected:
    """Every perspective's expected people at once, as a form with a number per perspective
    sends them (0 to ``MOST_EXPECTED`` each; a perspective left out expects nobody)."""

    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Erase:
    """"Yes, delete my data", with the time the question was asked."""

    issued_at: int


@dataclass(frozen=True)
class KeepData:
    pass


@dataclass(frozen=True)
class ChooseLanguage:
    """Read everything in the language ``tag`` from now on (a BCP 47 tag: "en", "de-x-ls")."""

    tag: str


@dataclass(frozen=True)
class PrintPaper:
    """Print ``count`` paper questionnaires (one of :data:`bot.domain.paper.SHEET_COUNTS`)."""

    workshop_id: int
    count: int


@dataclass(frozen=True)
class TypePaper:
    """Type paper sheets in, one message each, for ``perspective``; ``None``: choose it first."""

    workshop_id: int
    perspective: str | None


@dataclass(frozen=True)
class EnterPaperSheet:
    """One paper sheet from the browser's entry form (never a button: it is too long)."""

    workshop_id: int
    code: str
    perspective: str
    answers: str  # one letter A–E per statement, in the sheet's order


# --- forms: several typed values or choices sent at once (see bot.flows.outcome.Form) ---


@dataclass(frozen=True)
class EnterNextStep:
    """An agreed step typed into its three fields, for ``position`` (1–5)."""

    workshop_id: int
    position: int
    what: str
    who: str
    due: str


@dataclass(frozen=True)
class ChooseSteps:
    """The next steps chosen among one field's suggestions: these, and none else of the field."""

    run_id: int
    field_id: str
    statement_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChangeChosen:
    """A given answer changed in a form: the statement and the new choice (``""``: none chosen)."""

    run_id: int
    field_id: str
    page: int
    statement_id: str
    choice: str


FormAction = EnterNextStep | ChooseSteps | ChangeChosen

ButtonAction = (Answer | AnswerAgain | Back | Info | Pause | Unpause | ShowResults | Cancel
                | ContinueRun | Keep
                | Begin | BeginField | ReviewFields | ReviewField | FieldDetail | SummaryBack
                | Priorities | Prioritize | ChangeOpen | Change | Report | NameAsk | NameSkip
                | NameRemove | NameConfirm | ManageWorkshop | ConfirmWorkshop | ChoosePerspective
                | ChangePerspective | RemoveCoordinator | EditNextStep | RemoveNextStep | DraftField
                | DraftStep | DraftGrouping | DraftAlone | DraftExpect | Erase | KeepData
                | StepForStatement | Show | PrintPaper | TypePaper | ChooseLanguage)
Action = (Start | Resume | Help | CancelRequest | ReportRequest | WorkshopCommand
          | PrivacyStatement | EraseRequest | Text | AnswerField | Media | UnknownCommand
          | DraftExpected | EnterPaperSheet | ButtonAction | FormAction)
