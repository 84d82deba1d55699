"""Which page an outcome belongs to, and a page shown from what is stored.

A channel with addresses (the browser) carries out an action, asks
:meth:`Places.place_of` where its outcome belongs and sends the person there;
opening that address again runs :class:`~bot.flows.actions.Show`, which asks
the same flows as a button would but only for what they show: nothing is
written, so a reload, a bookmark or the browser's Back button never acts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from bot.domain.questionnaire import Questionnaire
from bot.flows import commands
from bot.flows.actions import (
    Action,
    Answer,
    AnswerAgain,
    BeginField,
    ButtonAction,
    Change,
    ChangeChosen,
    ChangeOpen,
    ChoosePerspective,
    ChooseSteps,
    ConfirmWorkshop,
    DraftAlone,
    DraftExpect,
    DraftExpected,
    DraftField,
    DraftGrouping,
    DraftStep,
    EditNextStep,
    EnterNextStep,
    Erase,
    EraseRequest,
    FieldDetail,
    Help,
    ManageWorkshop,
    NameAsk,
    NameConfirm,
    NameRemove,
    NameSkip,
    Pause,
    Priorities,
    Prioritize,
    PrivacyStatement,
    RemoveCoordinator,
    RemoveNextStep,
    Report,
    ReportRequest,
    ReviewField,
    ReviewFields,
    Show,
    ShowResults,
    StepForStatement,
    SummaryBack,
    WorkshopCommand,
)
from bot.flows.next_steps import NextSteps
from bot.flows.outcome import Confirmation, Document, Form, Message, Outcome, Reply
from bot.flows.place import (
    WORKSHOP_VIEWS,
    ChangePage,
    DeletePage,
    DetailPage,
    FieldOverview,
    HelpPage,
    Home,
    NextStepsPage,
    ParticipationPage,
    PausePage,
    Place,
    PrivacyPage,
    ReportPage,
    ResultPage,
    ReviewPage,
    StatementPage,
    WorkshopPage,
    WorkshopsPage,
)
from bot.flows.privacy import Privacy
from bot.flows.refusals import NotTheirs
from bot.flows.reports import Reports
from bot.flows.results_view import ResultsView
from bot.flows.review import PAGE_SIZE, Review
from bot.flows.selfcheck import SelfCheck
from bot.flows.workshop.coordination import Coordination
from bot.flows.workshop.joining import Joining
from bot.flows.workshop.setup import Setup
from bot.output.render import Renderer


@dataclass(frozen=True)
class Shown:
    """The flows a page is shown by (each only asked for what it shows)."""

    selfcheck: SelfCheck
    results: ResultsView
    review: Review
    next_steps: NextSteps
    reports: Reports
    privacy: Privacy
    joining: Joining
    coordination: Coordination
    setup: Setup


class Places:
    def __init__(self, questionnaire: Questionnaire, renderer: Renderer, shown: Shown) -> None:
        self.questionnaire = questionnaire
        self.render = renderer
        self.shown = shown

    # --- a page from what is stored -----------------------------------------------

    async def show(self, person: int, place: Place) -> Outcome:
        """The page at ``place`` as it stands now; a notice alone for one that has nothing
        to show yet (a field still open), or is not the person's or not there (the same
        notice whatever was wrong, as for a forged button)."""
        try:
            return await self._show(person, place)
        except NotTheirs:
            return Outcome(notice=self.render.text("notice.place_unknown"), alert=True)

    async def _show(self, person: int, place: Place) -> Outcome:  # noqa: C901 - one case each
        shown = self.shown
        match place:
            case Home():
                return await shown.selfcheck.start(person)
            case StatementPage(run_id, statement_id):
                return await shown.selfcheck.show_statement(person, run_id, statement_id)
            case PausePage(run_id):
                return await shown.selfcheck.pause(person, run_id)
            case FieldOverview():
                return await shown.selfcheck.begin_field(person, None)
            case ResultPage(run_id):
                return await shown.selfcheck.results(person, run_id)
            case DetailPage(run_id, field_id, page):
                return await shown.results.detail(person, run_id, field_id, page)
            case ReviewPage(run_id, None):
                return await shown.review.fields(person, run_id)
            case ReviewPage(run_id, str() as field_id, page):
                return await shown.review.field(person, run_id, field_id, page)
            case ChangePage(run_id, statement_id):
                return await shown.review.change_open(person, run_id, statement_id)
            case NextStepsPage(run_id, field_id):
                return await shown.next_steps.overview(person, run_id, field_id)
            case ReportPage(run_id):
                return await shown.reports.offer(person, run_id)
            case PrivacyPage():
                return shown.privacy.statement()
            case HelpPage():
                return shown.selfcheck.help(commands.navigation())
            case DeletePage():
                return await shown.privacy.erase_request(person)
            case WorkshopsPage():
                return await shown.setup.overview(person)
            case WorkshopPage(workshop_id, view):
                outcome = await shown.coordination.manage(person, workshop_id, view)
                return replace(outcome, notice=None) if outcome.send or outcome.edit else outcome
            case ParticipationPage(workshop_id):
                return await shown.joining.page(person, workshop_id)
        raise TypeError(f"not a place: {place!r}")

    # --- where an outcome belongs ---------------------------------------------------

    def place_of(self, action: Action, messages: tuple[Message, ...]) -> Place:
        """The page the outcome of ``action`` (showing ``messages``) belongs to.

        A statement to answer decides it wherever it appears (after an answer, a
        perspective, a hint); otherwise the action says it, and what the messages
        offer says the rest (a report asked for by its command, a workshop created).
        """
        if isinstance(action, Show) and not isinstance(action.place, StatementPage | Home
                                                       | ParticipationPage):
            return action.place
        statement = self._live_statement(messages)
        if statement is not None:
            return statement
        if isinstance(action, DraftField | DraftStep | DraftGrouping | DraftAlone | DraftExpect
                      | DraftExpected):  # setting a workshop up, or one just created: its page
            return self._of_buttons(messages) or WorkshopsPage()
        return self._of_action(action) or self._of_buttons(messages) or Home()

    def _of_action(self, action: Action) -> Place | None:  # noqa: C901 - one case each
        match action:
            case Show(place):
                return place
            case Pause(run_id):
                return PausePage(run_id)
            case ShowResults(int() as run_id) | SummaryBack(run_id):
                return ResultPage(run_id)
            case FieldDetail(run_id, field_id, page):
                return DetailPage(run_id, field_id, page)
            case ReviewFields(run_id):
                return ReviewPage(run_id)
            case ReviewField(run_id, field_id, page):
                return ReviewPage(run_id, field_id, page or 0)
            case ChangeOpen(run_id, statement_id):
                return ChangePage(run_id, statement_id)
            case Change(run_id, statement_id):
                return self._review_of(run_id, statement_id)
            case Priorities(run_id, field_id):
                return NextStepsPage(run_id, field_id)
            case Prioritize(run_id, statement_id):
                statement = self.questionnaire.statement(statement_id)
                return NextStepsPage(run_id, statement.field_id if statement else None)
            case Report(run_id) | NameAsk(run_id):
                return ReportPage(run_id)
            case ReportRequest() | NameSkip() | NameRemove() | NameConfirm():
                return ReportPage()
            case PrivacyStatement():
                return PrivacyPage()
            case Help():
                return HelpPage()
            case EraseRequest():
                return DeletePage()
            case Erase():
                return DeletePage()
            case BeginField(None):
                return FieldOverview()
            case WorkshopCommand():
                return WorkshopsPage()
            case ManageWorkshop(what, workshop_id):
                return WorkshopPage(workshop_id, what if what in WORKSHOP_VIEWS else "menu")
            case ConfirmWorkshop("delete", _, _):
                return WorkshopsPage()
            case ConfirmWorkshop(_, workshop_id, _) | RemoveCoordinator(workshop_id, _):
                return WorkshopPage(workshop_id)
            case (EditNextStep(workshop_id, _) | RemoveNextStep(workshop_id, _)
                  | StepForStatement(workshop_id, _)):
                return WorkshopPage(workshop_id, "steps")
            case ChoosePerspective(workshop_id, _):
                return ParticipationPage(workshop_id)
            case EnterNextStep(workshop_id):
                return WorkshopPage(workshop_id, "steps")
            case ChooseSteps(run_id, field_id):
                return NextStepsPage(run_id)
            case ChangeChosen(run_id, field_id, page):
                return ReviewPage(run_id, field_id, page)
        return None

    def _of_buttons(self, messages: tuple[Message, ...]) -> Place | None:
        """The page what the messages offer belongs to, when the action does not say it."""
        for action in _actions(messages):
            match action:
                case ManageWorkshop(_, workshop_id):
                    return WorkshopPage(workshop_id)
                case DraftField() | DraftStep():
                    return WorkshopsPage()
                case ChoosePerspective(workshop_id, _):
                    return ParticipationPage(workshop_id)
                case NameSkip() | NameConfirm() | NameRemove():
                    return ReportPage()
                case FieldDetail(run_id) | ReviewFields(run_id):
                    return ResultPage(run_id)
        if any(isinstance(message, Document) and message.file_name.endswith(".pdf")
               for message in messages):
            return ReportPage()
        return None

    def _live_statement(self, messages: tuple[Message, ...]) -> StatementPage | None:
        for action in _actions(messages):
            if isinstance(action, Answer | AnswerAgain):
                return StatementPage(action.run_id, action.statement_id)
        return None

    def _review_of(self, run_id: int, statement_id: str) -> ReviewPage:
        """The review page that shows a changed answer."""
        statement = self.questionnaire.statement(statement_id)
        if statement is None:
            return ReviewPage(run_id)
        field = self.questionnaire.field_of(statement.id)
        return ReviewPage(run_id, field.id, (field.place_of(statement) - 1) // PAGE_SIZE)

    # --- what a page is called --------------------------------------------------------

    def title(self, place: Place) -> str:  # noqa: C901 - one case each
        """The page's title and main heading: what the page is, whatever its messages say."""
        text, questionnaire = self.render.text, self.questionnaire
        match place:
            case StatementPage(_, statement_id) | ChangePage(_, statement_id):
                statement = questionnaire.statement(statement_id)
                if statement is None:
                    return text("place.statement_unknown")
                of = questionnaire.field_of(statement.id)
                key = "place.change" if isinstance(place, ChangePage) else "place.statement"
                return self.render.kept_text(key, (statement.id,), field=of,
                                             number=of.place_of(statement))
            case DetailPage(_, field_id) | ReviewPage(_, str() as field_id):
                field = questionnaire.field(field_id)
                if field is None:
                    return text("place.result")
                key = "place.detail" if isinstance(place, DetailPage) else "place.review_field"
                return self.render.kept_text(key, (field.id,), field=field)
            case WorkshopPage(_, view):
                return text("place.workshop" if view == "menu" else f"place.workshop_{view}")
        return text(f"place.{_NAMES[type(place)]}")


_NAMES: dict[type, str] = {
    Home: "home", PausePage: "pause", FieldOverview: "fields", ResultPage: "result",
    ReviewPage: "review", NextStepsPage: "next_steps", ReportPage: "report",
    PrivacyPage: "privacy", HelpPage: "help", DeletePage: "delete", WorkshopsPage: "workshops",
    ParticipationPage: "participation", StatementPage: "statement_unknown",
}


def _actions(messages: tuple[Message, ...]) -> Iterator[ButtonAction]:
    """The actions of the messages' buttons, those of what a reply asks for included."""
    for message in messages:
        buttons = [button for row in message.keyboard for button in row]
        match message:
            case Reply(asks=Form(key=key, back=back, others=others)):
                buttons += [back, *others]
                if key is not None:
                    yield key
            case Reply(asks=Confirmation(confirm=confirm, cancel=cancel)):
                buttons += [confirm, cancel]
        for button in buttons:
            if button.action is not None:
                yield button.action

