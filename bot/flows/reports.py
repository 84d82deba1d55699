"""The printable report of a run and the municipality's name on its title page.

Like :mod:`bot.flows.selfcheck`, every public method returns an
:class:`~bot.flows.outcome.Outcome` and knows nothing of any channel; the
summary, chart and comparison come from :mod:`bot.flows.results_view`.
"""

from __future__ import annotations

from bot.domain.entities import Awaited, PendingInput
from bot.domain.names import (
    NAME_MAX_LENGTH,
    NAME_MIN_LENGTH,
    NameDoubt,
    file_slug,
    municipality_name,
    name_doubt,
    printable,
)
from bot.domain.questionnaire import Questionnaire
from bot.flows.actions import Begin, NameAsk, NameConfirm, NameRemove, NameSkip, Report, ShowResults
from bot.flows.outcome import (
    TYPED_TEXT,
    Button,
    Confirmation,
    Document,
    Form,
    Keyboard,
    Message,
    Outcome,
    Reply,
)
from bot.flows.personal_flow import PersonalFlow
from bot.flows.results_view import ResultsView, RunResults, local_date, shown_date
from bot.flows.typed_values import text_input
from bot.flows.work_quota import WorkQuota
from bot.output.render import Renderer
from bot.output.report_pdf import ReportContent, print_report
from bot.output.workers import in_print_process
from bot.store.storage import Storage


class Reports(PersonalFlow):
    """/bericht and the report button; asking for, keeping and removing the municipality's name."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 view: ResultsView) -> None:
        super().__init__(storage, questionnaire, renderer, view)
        self.quota = WorkQuota()

    # --- the printable report -------------------------------------------------------

    async def report(self, user_id: int, run_id: int | None = None) -> Outcome:
        """/bericht: the PDF; the first time, ask for the municipality's name first."""
        view = await self._reported(user_id, run_id)
        if isinstance(view, Outcome):
            return view
        run = view.run
        workshop = await self.storage.workshops.workshop(run.workshop_id) if run.workshop_id else None
        if workshop is not None:  # a workshop run: the workshop names the municipality
            return Outcome(send=(await self._report_document(view, workshop.municipality,
                                                             renamable=False),))
        name = await self.storage.people.municipality_name(user_id)
        if name is None or not name.decided:
            await self.storage.people.await_input(user_id, Awaited.REPORT_NAME, run.id)
            return Outcome(send=(self._name_prompt(None),))
        return Outcome(send=(await self._report_document(view, name.name),))

    async def offer(self, user_id: int, run_id: int | None = None) -> Outcome:
        """The report's page as an address shows it: what it holds, and a button to make it.

        Making the PDF takes seconds and counts against the person's budget, so a page
        opened again (a reload, a bookmark) offers it instead of making it once more.
        """
        view = await self._reported(user_id, run_id)
        if isinstance(view, Outcome):
            return view
        run = view.run
        keyboard = ((Button(self.render.text("results.button.report"), Report(run.id)),),
                    (Button(self.render.text("results.button.show_results"), ShowResults(run.id)),))
        return Outcome(send=(Reply(self.render.html("report_offer.html.j2", steps=view.priorities),
                                   keyboard),))

    async def _reported(self, user_id: int, run_id: int | None) -> RunResults | Outcome:
        """The run a report is of (``None``: the one /ergebnis shows), or why there is none."""
        if run_id is not None:
            run, answers = await self.view.owned_run(user_id, run_id)
        else:
            current = await self.view.current_run(user_id)
            if current is None:
                return Outcome(send=(Reply(self.render.html("no_results.html.j2"),
                                           ((Button(self.render.text("button.begin"), Begin()),),)),))
            run, answers = current, await self.storage.runs.answers(current.id)
        view = await self.view.run_results(run, answers)
        if not view.shown_results:
            return Outcome(send=(Reply(self.render.html("report_empty.html.j2")),))
        return view

    async def _report_document(self, view: RunResults, municipality: str | None, *,
                               renamable: bool = True) -> Message:
        """The PDF, or a notice to wait if the person has just asked for several."""
        wait = self.quota.take(view.run.user_id)
        if wait is not None:
            return Reply(self.render.html("report_busy.html.j2", seconds=wait))
        today = local_date(self.storage.clock.now())
        run = view.run
        content = ReportContent(
            municipality=printable(municipality) if municipality else None, run=run,
            results=view.results,
            shown={r.field.id for r in view.shown_results}, scale=self.questionnaire.scale,
            changes=self.view.change_texts(view), comparisons=view.changes, answers=view.answers,
            chart=self.view.profile_chart(view, titled=False),
            created=shown_date(today),
            finished=shown_date(local_date(run.finished_at)) if run.finished_at else None,
            previous=self.view.previous_date(view),
            steps=tuple((number, statement.text, statement.suggestion)
                        for number, statement, _ in self.view.step_items(view.priorities)),
            retired={r.field.id: tuple(self.view.retired_answers(view, r.field.id))
                     for r in view.results})
        pdf = await in_print_process(print_report, self.render, content)
        file_name = self.render.text("results.file_name", name=file_slug(municipality or ""),
                                     date=today.isoformat())
        caption = self.render.html("report_caption.html.j2", municipality=municipality, run=run)
        if not renamable:
            return Document(pdf, file_name, caption)
        label = "results.button.name_change" if municipality else "results.button.name_add"
        return Document(pdf, file_name, caption,
                        ((Button(self.render.text(label), NameAsk(run.id)),),))

    # --- the municipality's name ----------------------------------------------------------

    async def ask_name(self, user_id: int, run_id: int) -> Outcome:
        """"Namen der Kommune angeben/ändern": the next message is the name."""
        run, _ = await self.view.owned_run(user_id, run_id)
        state = await self.storage.people.municipality_name(user_id)
        await self.storage.people.await_input(user_id, Awaited.REPORT_NAME, run.id)
        return Outcome(send=(self._name_prompt(state.name if state else None),))

    def _name_prompt(self, current: str | None) -> Reply:
        keyboard: Keyboard
        if current:
            keep = Button(self.render.text("results.button.name_keep"), NameSkip())
            remove = Button(self.render.text("results.button.name_remove"), NameRemove())
            keyboard = ((keep,), (remove,))
            form = self._name_form(keep, value=current, others=(remove,))
        else:
            skip = Button(self.render.text("results.button.name_skip"), NameSkip())
            keyboard = ((skip,),)
            form = self._name_form(skip)
        return Reply(self.render.html("name_prompt.html.j2", current=current,
                                      max_length=NAME_MAX_LENGTH), keyboard, asks=form)

    def _name_form(self, back: Button, *, value: str = "", error: str | None = None,
                   others: tuple[Button, ...] = ()) -> Form:
        """The municipality's name typed into a field, as the awaited text."""
        field = text_input(self.render, TYPED_TEXT, "name", (NAME_MIN_LENGTH, NAME_MAX_LENGTH),
                           value=value, error=error)
        return Form(None, (field,), self.render.text("form.name_submit"), back, others=others)

    async def name_message(self, user_id: int, pending: PendingInput, text: str) -> Outcome:
        """A message while the bot waits for the name (``pending`` awaits ``REPORT_NAME``)."""
        name = municipality_name(text)
        skip = Button(self.render.text("results.button.name_skip"), NameSkip())
        if name is None:
            error = self.render.text("form.name_invalid", low=NAME_MIN_LENGTH,
                                     high=NAME_MAX_LENGTH)
            return Outcome(send=(Reply(self.render.html("name_invalid.html.j2",
                                                        max_length=NAME_MAX_LENGTH), ((skip,),),
                                       asks=self._name_form(skip, value=text, error=error)),))
        doubt = name_doubt(name)
        if doubt is NameDoubt.QUESTION:
            error = self.render.text("form.name_question")
            return Outcome(send=(Reply(self.render.html("name_question.html.j2"), ((skip,),),
                                       asks=self._name_form(skip, value=text, error=error)),))
        if doubt is NameDoubt.UNSURE:
            await self.storage.people.set_candidate(user_id, Awaited.REPORT_NAME, name)
            confirm = Confirmation(
                Button(self.render.text("results.button.name_confirm"), NameConfirm()), skip)
            return Outcome(send=(Reply(self.render.html("name_confirm.html.j2", name=name),
                                       confirm.keyboard, asks=confirm),))
        await self.storage.people.set_municipality_name(user_id, name)
        return await self._after_name(user_id, pending.run_id, name)

    async def confirm_name(self, user_id: int) -> Outcome:
        """"Ja, als Namen übernehmen": the doubtful text is the name after all."""
        pending = await self.storage.people.pending_input(user_id)
        if pending is None or pending.awaited is not Awaited.REPORT_NAME or not pending.candidate:
            return Outcome(notice=self.render.text("results.notice.name_prompt_closed"),
                           clear_keyboard=True)
        await self.storage.people.set_municipality_name(user_id, pending.candidate)
        outcome = await self._after_name(user_id, pending.run_id, pending.candidate)
        return Outcome(clear_keyboard=True, send=outcome.send)

    async def end_name_wait(self, user_id: int) -> None:
        """The person moved on (answering, another command): a later text is no name."""
        pending = await self.storage.people.pending_input(user_id)
        if pending is not None and pending.awaited is Awaited.REPORT_NAME:
            await self.storage.people.stop_awaiting(user_id, Awaited.REPORT_NAME)

    async def skip_name(self, user_id: int) -> Outcome:
        """"Überspringen" (first time: the report without a name) or "Namen behalten"."""
        pending = await self.storage.people.pending_input(user_id)
        if pending is None or pending.awaited is not Awaited.REPORT_NAME:
            return Outcome(notice=self.render.text("results.notice.name_prompt_closed"),
                           clear_keyboard=True)
        state = await self.storage.people.municipality_name(user_id)
        if state is not None and state.decided:
            await self.storage.people.stop_awaiting(user_id, Awaited.REPORT_NAME)
            return Outcome(clear_keyboard=True, send=(Reply(self.render.html(
                "name_saved.html.j2", name=state.name, unchanged=True)),))
        await self.storage.people.set_municipality_name(user_id, None)
        outcome = await self._after_name(user_id, pending.run_id, None)
        return Outcome(clear_keyboard=True, send=outcome.send)

    async def remove_name(self, user_id: int) -> Outcome:
        pending = await self.storage.people.pending_input(user_id)
        if pending is None or pending.awaited is not Awaited.REPORT_NAME:
            return Outcome(notice=self.render.text("results.notice.name_prompt_closed"),
                           clear_keyboard=True)
        await self.storage.people.set_municipality_name(user_id, None)
        outcome = await self._after_name(user_id, pending.run_id, None)
        return Outcome(clear_keyboard=True, send=outcome.send)

    async def _after_name(self, user_id: int, report_run_id: int | None,
                          name: str | None) -> Outcome:
        """Confirm the name, then send the report that was waiting for it."""
        confirmation = Reply(self.render.html("name_saved.html.j2", name=name, unchanged=False))
        run = await self.storage.runs.run(report_run_id) if report_run_id is not None else None
        if run is None or run.user_id != user_id or run.status == "cancelled":
            return Outcome(send=(confirmation,))
        view = await self.view.run_results(run, await self.storage.runs.answers(run.id))
        if not view.shown_results:
            return Outcome(send=(confirmation,))
        return Outcome(send=(confirmation, await self._report_document(view, name)))
