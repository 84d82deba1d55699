"""The one entry point of the flows: a decoded action in, the :class:`Outcome` to carry out back.

A channel (Telegram, the browser) decodes its input once into an action from
:mod:`bot.flows.actions` and calls :meth:`Flows.act`; the ``match`` below is
the only place that knows which flow does what. The flows are built here,
once, and handed what they need; none of them is reached through another.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace

from bot.config import Settings
from bot.domain.entities import Awaited
from bot.domain.questionnaire import Questionnaire
from bot.domain.spoken import speaking
from bot.flows.actions import (
    Action,
    Answer,
    AnswerAgain,
    AnswerField,
    Back,
    Begin,
    BeginField,
    Cancel,
    CancelRequest,
    Change,
    ChangeChosen,
    ChangeOpen,
    ChangePerspective,
    ChooseLanguage,
    ChoosePerspective,
    ChooseSteps,
    ConfirmWorkshop,
    ContinueRun,
    DraftAlone,
    DraftExpect,
    DraftExpected,
    DraftField,
    DraftGrouping,
    DraftStep,
    EditNextStep,
    EnterNextStep,
    EnterPaperSheet,
    Erase,
    EraseRequest,
    FieldDetail,
    Help,
    Info,
    Keep,
    KeepData,
    ManageWorkshop,
    Media,
    NameAsk,
    NameConfirm,
    NameRemove,
    NameSkip,
    Pause,
    PrintPaper,
    Priorities,
    Prioritize,
    PrivacyStatement,
    RemoveCoordinator,
    RemoveNextStep,
    Report,
    ReportRequest,
    Resume,
    ReviewField,
    ReviewFields,
    Show,
    ShowResults,
    Start,
    StepForStatement,
    SummaryBack,
    Text,
    TypePaper,
    UnknownCommand,
    Unpause,
    WorkshopCommand,
)
from bot.flows.field_sheet import FieldSheet, FieldSheets
from bot.flows.invitations import (
    CoordinatorInvitation,
    InvitationLink,
    ManagementLink,
    UnknownPayload,
    WorkshopInvitation,
)
from bot.flows.languages import Languages
from bot.flows.next_steps import NextSteps
from bot.flows.outcome import Message, Outcome, Reply, spoken_outcome
from bot.flows.place import Place
from bot.flows.places import Places, Shown
from bot.flows.privacy import Privacy
from bot.flows.refusals import Refused, invalid_button
from bot.flows.reports import Reports
from bot.flows.results_view import ResultsView
from bot.flows.review import Review
from bot.flows.selfcheck import SelfCheck
from bot.flows.standing import Standing, standing
from bot.flows.workshop.agreed_steps import AgreedSteps
from bot.flows.workshop.co_coordinators import CoCoordinators
from bot.flows.workshop.coordination import Coordination
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.documents import Documents
from bot.flows.workshop.joining import Joining
from bot.flows.workshop.menu import Menu
from bot.flows.workshop.paper import Paper
from bot.flows.workshop.releases import Releases
from bot.flows.workshop.setup import Setup
from bot.output.fair_queue import requested_by
from bot.output.render import Renderer
from bot.store.storage import Storage

log = logging.getLogger(__name__)

# Going back to answering or using another command ends the wait for the report's
# name: a message typed after that is not taken as the name. A stored answer ends it in
# its own commit (bot.store.runs), so a tap costs no look-up for it.
ENDS_NAME_WAIT = (Start, Resume, ShowResults, Help, CancelRequest, WorkshopCommand,
                  PrivacyStatement, EraseRequest, UnknownCommand, Back, Begin,
                  ContinueRun, Keep, Unpause, BeginField, AnswerField)

# The use cases that write more than one thing (a person and their run, a closing
# workshop's runs and its final release, ...): each is one unit of work, committed once
# or not at all (see bot.store.connection). Nothing slow (a chart, a PDF) happens in
# them, as the unit holds the write lock; answers commit in groups of their own.
ONE_UNIT = (Start, Begin, BeginField, ChoosePerspective, ChangePerspective, ConfirmWorkshop,
            Erase)


class Flows:
    """Every flow of the bot behind one method, :meth:`act`.

    ``invitation_link`` builds the browser address a workshop invitation
    travels as, ``telegram_link`` its ``t.me`` deep link where the bot runs;
    ``management_link`` a coordinator's private link to manage a workshop in
    the browser.
    """

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 settings: Settings, invitation_link: InvitationLink,
                 management_link: ManagementLink | None = None,
                 telegram_link: InvitationLink | None = None) -> None:
        self._render = renderer
        self._storage = storage
        self.results_view = ResultsView(storage, questionnaire, renderer)
        self.languages = Languages(storage.people, renderer)
        self._selfcheck = SelfCheck(storage, questionnaire, renderer, self.results_view,
                                    self.languages)
        self._field_sheets = FieldSheets(storage, questionnaire, renderer, self.results_view,
                                         self._selfcheck.statements, self._selfcheck.run_locks,
                                         self._selfcheck.summary)
        self._reports = Reports(storage, questionnaire, renderer, self.results_view)
        self._review = Review(storage, questionnaire, renderer, self.results_view)
        self._next_steps = NextSteps(storage, renderer, self.results_view)
        desk = Desk(storage, questionnaire, renderer, invitation_link, management_link,
                    minimum=settings.min_group, telegram_link=telegram_link)
        releases = Releases(desk, settings.release_noise)
        menu = Menu(desk, releases)
        co_coordinators = CoCoordinators(desk, menu)
        self._agreed_steps = AgreedSteps(desk)
        self._setup = Setup(desk, menu)
        self._joining = Joining(desk, self._selfcheck, co_coordinators)
        self._co_coordinators = co_coordinators
        documents = Documents(desk)
        self._paper = Paper(desk, documents)
        self._coordination = Coordination(desk, menu, releases, documents,
                                          self._agreed_steps, co_coordinators, self._paper)
        self._privacy = Privacy(storage, renderer, settings.retention_days,
                                minimum=settings.min_group)
        self.places = Places(questionnaire, renderer, Shown(
            self._selfcheck, self.results_view, self._review, self._next_steps, self._reports,
            self._privacy, self._joining, self._coordination, self._setup))

    async def _choose_language(self, person: int, tag: str) -> Outcome:
        """The choice kept, and where the person stands, now in that language."""
        await self.languages.choose(person, tag)
        with speaking(tag):
            outcome = await self._selfcheck.start(person)
        first = outcome.send[0] if outcome.send else None
        if outcome.edit is None and isinstance(first, Reply):  # the message with the switch
            outcome = replace(outcome, edit=first, send=outcome.send[1:])
        return spoken_outcome(outcome, tag)

    async def act(self, person: int, action: Action) -> Outcome:
        """What ``person`` (the storage's user id) sees after doing ``action``.

        A guard that refuses raises :class:`~bot.flows.refusals.Refused`
        wherever it finds out; here it becomes the Outcome the person sees.
        The use cases in ``ONE_UNIT`` commit once, when they are done, or not
        at all; the Outcome goes back only after that commit. Charts and PDFs
        made meanwhile, also by the outcome's ``later``, are the person's, for
        their turn in the workers.
        """
        with requested_by(person=person):
            outcome = await self._act(person, action)
        if outcome.later is None:
            return outcome
        later = outcome.later

        async def later_for_person() -> tuple[Message, ...]:
            with requested_by(person=person):
                return await later()
        return replace(outcome, later=later_for_person)

    async def _act(self, person: int, action: Action) -> Outcome:
        try:
            if isinstance(action, ONE_UNIT):
                async with self._storage.unit_of_work():
                    return await self._dispatch(person, action)
            return await self._dispatch(person, action)
        except Refused as refusal:  # raised in a unit of work, it wrote nothing
            return refusal.outcome

    async def _dispatch(self, person: int, action: Action) -> Outcome:  # noqa: C901 - one case each
        selfcheck, reports, review = self._selfcheck, self._reports, self._review
        privacy, coordination = self._privacy, self._coordination
        if isinstance(action, ENDS_NAME_WAIT):
            await reports.end_name_wait(person)
        match action:
            case Start(payload=None | UnknownPayload() as payload):
                return await selfcheck.start(person, unknown_link=payload is not None)
            case Start(payload=WorkshopInvitation() | CoordinatorInvitation() as invitation):
                return await self._joining.open_link(person, invitation)
            case Resume():
                return await selfcheck.resume(person)
            case ShowResults(run_id):
                return await selfcheck.results(person, run_id)
            case Help(commands):
                return selfcheck.help(commands)
            case CancelRequest():
                return await selfcheck.cancel_request(person)
            case ReportRequest():
                return await reports.report(person)
            case WorkshopCommand(argument):
                return await self._setup.command(person, argument)
            case PrivacyStatement():
                return privacy.statement()
            case EraseRequest():
                return await privacy.erase_request(person)
            case Text(text):
                # The bot asks for typed text in four places: the municipality's name for
                # the printable report, the name of a workshop being set up, a workshop's
                # agreed next step and a paper sheet. Asking for one stops waiting for the
                # others (one pending input per person, see bot.store.people), so at most
                # one takes the message.
                pending = await self._storage.people.pending_input(person)
                if pending is None:
                    return await selfcheck.hint(person)
                match pending.awaited:
                    case Awaited.REPORT_NAME:
                        return await reports.name_message(person, pending, text)
                    case Awaited.WORKSHOP_NAME:
                        taken = await self._setup.named(person, text)
                    case Awaited.WORKSHOP_STEP:
                        taken = await self._agreed_steps.typed(person, pending, text)
                    case Awaited.PAPER_SHEET:
                        taken = await self._paper.typed(person, pending, text)
                return taken or await selfcheck.hint(person)
            case Media():
                return await selfcheck.hint(person, media=True)
            case DraftExpected(counts):
                return await self._setup.draft_expected(person, dict(counts))
            case UnknownCommand(command):
                return await selfcheck.hint(person, command)
            case Answer(run_id, statement_id, choice):
                return await selfcheck.answer(person, run_id, statement_id, choice)
            case AnswerAgain(run_id, statement_id, choice):
                return await selfcheck.answer_again(person, run_id, statement_id, choice)
            case AnswerField():
                return await self._field_sheets.answer(person, action)
            case Show(place):
                return await self.places.show(person, place)
            case Back(run_id, statement_id):
                return await selfcheck.back(person, run_id, statement_id)
            case Info(run_id, statement_id):
                return await selfcheck.info(person, run_id, statement_id)
            case Pause(run_id):
                return await selfcheck.pause(person, run_id)
            case Unpause(run_id):
                return await selfcheck.unpause(person, run_id)
            case Cancel(run_id):
                return await selfcheck.cancel(person, run_id)
            case ContinueRun(run_id):
                return await selfcheck.continue_run(person, run_id)
            case Keep():
                return await selfcheck.keep(person)
            case Begin():
                return await selfcheck.begin(person)
            case BeginField(field_id):
                return await selfcheck.begin_field(person, field_id)
            case ReviewFields(run_id, in_place):
                return await review.fields(person, run_id, in_place=in_place)
            case ReviewField(run_id, field_id, page):
                return await review.field(person, run_id, field_id, page)
            case FieldDetail(run_id, field_id, page):
                return await self.results_view.detail(person, run_id, field_id, page)
            case SummaryBack(run_id):
                return await self.results_view.back_to_summary(person, run_id)
            case Priorities(run_id, field_id):
                return await self._next_steps.overview(person, run_id, field_id)
            case Prioritize(run_id, statement_id, chosen):
                return await self._next_steps.choose(person, run_id, statement_id, chosen)
            case ChangeOpen(run_id, statement_id):
                return await review.change_open(person, run_id, statement_id)
            case Change(run_id, statement_id, choice):
                return await review.change(person, run_id, statement_id, choice)
            case Report(run_id):
                return await reports.report(person, run_id)
            case NameAsk(run_id):
                return await reports.ask_name(person, run_id)
            case NameSkip():
                return await reports.skip_name(person)
            case NameRemove():
                return await reports.remove_name(person)
            case NameConfirm():
                return await reports.confirm_name(person)
            case ManageWorkshop(what, workshop_id):
                return await coordination.manage(person, workshop_id, what)
            case ConfirmWorkshop(what, workshop_id, revision):
                return await coordination.confirm(person, workshop_id, what, revision)
            case ChoosePerspective(workshop_id, perspective):
                return await self._joining.choose_perspective(person, workshop_id, perspective)
            case ChangePerspective(workshop_id):
                return await self._joining.change_perspective(person, workshop_id)
            case RemoveCoordinator(workshop_id, user_id):
                return await self._co_coordinators.remove(person, workshop_id, user_id)
            case EnterNextStep(workshop_id, position, what, who, due):
                return await self._agreed_steps.entered(
                    person, workshop_id, position, {"what": what, "who": who, "due": due})
            case ChooseSteps(run_id, field_id, statement_ids):
                return await self._next_steps.choose_field(person, run_id, field_id,
                                                           statement_ids)
            case ChangeChosen(run_id, field_id, page, statement_id, choice):
                return await review.change_chosen(person, run_id, field_id, page, statement_id,
                                                  choice)
            case EditNextStep(workshop_id, position):
                return await self._agreed_steps.ask(person, workshop_id, position)
            case StepForStatement(workshop_id, statement_id):
                return await self._agreed_steps.ask(person, workshop_id, None, statement_id)
            case RemoveNextStep(workshop_id, position):
                return await self._agreed_steps.remove(person, workshop_id, position)
            case DraftField(field_id, select):
                return await self._setup.draft_field(person, field_id, select)
            case DraftStep(what):
                return await self._setup.draft_step(person, what)
            case DraftGrouping(mode):
                return await self._setup.draft_grouping(person, mode)
            case DraftAlone(perspective, alone):
                return await self._setup.draft_alone(person, perspective, alone)
            case DraftExpect(perspective, count):
                return await self._setup.draft_expect(person, perspective, count)
            case PrintPaper(workshop_id, count):
                return await self._paper.print_sheets(person, workshop_id, count)
            case TypePaper(workshop_id, perspective):
                return await self._paper.choose(person, workshop_id, perspective)
            case EnterPaperSheet(workshop_id, code, perspective, answers):
                return await self._paper.from_form(person, workshop_id, code, perspective,
                                                   answers)
            case Erase(issued_at):
                return await privacy.erase(person, issued_at)
            case KeepData():
                return await privacy.keep(person)
            case ChooseLanguage(tag):
                return await self._choose_language(person, tag)
        raise TypeError(f"not an action: {action!r}")

    async def standing(self, person: int) -> Standing:
        """The one next step for where the person stands (a page's header offers it)."""
        return await standing(self._storage, self._selfcheck.statements, self._render, person)

    async def field_sheet(self, person: int, field_id: str) -> FieldSheet | None:
        """One field of the person's open run, all statements at once (the field page)."""
        return await self._field_sheets.sheet(person, field_id)

    def place_of(self, action: Action, messages: tuple[Message, ...]) -> Place:
        """The page an outcome belongs to, for a channel with addresses (see :mod:`bot.flows.places`)."""
        return self.places.place_of(action, messages)

    def title(self, place: Place) -> str:
        return self.places.title(place)

    def refuse_button(self) -> Outcome:
        """The answer to button data that decodes to nothing (forged, mangled, from an old bot)."""
        return invalid_button(self._render)

    async def note_activity(self, person: int) -> None:
        """Keep an active person's data from expiring; best effort, never in a person's way."""
        try:
            await self._privacy.touch(person)
        except sqlite3.Error as error:
            log.warning("could not note a person's activity: %s", error)

    async def delete_expired(self) -> int:
        """Delete everyone inactive for longer than the retention period (a daily job)."""
        return await self._privacy.delete_expired()
