"""The self-check conversation: every decision about what the person sees next.

Each public method takes what a channel decoded (see :mod:`bot.flows.actions`)
and returns an :class:`~bot.flows.outcome.Outcome`. Nothing here knows a
channel; all state comes from :mod:`bot.store.storage`, all wording from the
templates.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.domain.entities import Run
from bot.domain.progress import (
    current_statement,
    field_completed_by,
    position_of,
)
from bot.domain.questionnaire import Questionnaire
from bot.domain.scoring import score_field
from bot.domain.workshop import ADMINISTRATION
from bot.flows import run_state
from bot.flows.actions import (
    Begin,
    BeginField,
    ButtonAction,
    Cancel,
    ContinueRun,
    Keep,
    ReviewField,
    ShowResults,
    Unpause,
)
from bot.flows.commands import descriptions
from bot.flows.keyed_locks import KeyedLocks
from bot.flows.languages import Languages
from bot.flows.outcome import Button, Confirmation, Keyboard, Message, Outcome, Reply
from bot.flows.personal_flow import PersonalFlow
from bot.flows.refusals import refused_button
from bot.flows.results_view import ResultsView, local_date, shown_date
from bot.flows.statement_view import StatementView, minutes_left
from bot.output.render import Renderer
from bot.store.storage import Storage

MAX_COMMAND_SHOWN = 40  # an unknown command can be a whole message long
REAL_PAUSE = timedelta(minutes=30)  # "Willkommen zurück" only after a break this long


class SelfCheck(PersonalFlow):
    """The personal self-check, from the welcome to the summary."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 view: ResultsView, languages: Languages) -> None:
        super().__init__(storage, questionnaire, renderer, view)
        self.languages = languages
        # Taps on one run are handled one after another, so a double tap can never
        # record twice. The Telegram channel also handles each person's updates in
        # order (bot/telegram/update_processor.py), but that keeps their replies in
        # order; this lock is what keeps answers right, whatever the channel.
        self.run_locks = KeyedLocks()
        self.statements = StatementView(questionnaire, renderer)
        # The scale's "saved" notices never change: rendered once per language.
        self._saved_notices: dict[tuple[str, str], str] = {}

    # --- entering the conversation -------------------------------------------

    async def start(self, user_id: int, *, unknown_link: bool = False) -> Outcome:
        """/start: the welcome for a new person, otherwise where they stand.

        ``unknown_link``: it came with a payload the bot does not understand
        (a mangled or forged link); say so first.
        """
        outcome = await self._resume(user_id, first_visit=True)
        if unknown_link:
            return outcome.preceded_by(Reply(self.render.html("link_unknown.html.j2")))
        return outcome

    async def resume(self, user_id: int) -> Outcome:
        """/weiter: continue at the first unanswered statement of the run last worked on."""
        return await self._resume(user_id, first_visit=False)

    async def _resume(self, user_id: int, *, first_visit: bool) -> Outcome:
        """Where the person stands; with no run at all, the welcome (``first_visit``) or a nudge."""
        run, others = await self._open_runs(user_id)
        if run is not None:
            return Outcome(send=await self._resume_replies(run, others))
        finished = await self.storage.runs.finished_runs(user_id)
        if finished:
            return Outcome(send=(self._finished_prompt(finished[0]),))
        returning = await self.storage.workshops.latest_run_of(user_id)
        if returning is not None:  # a workshop finished, or closed before they finished
            workshop, workshop_run = returning
            return Outcome(send=(Reply(self.render.html(
                "workshop_returning.html.j2", workshop=workshop,
                finished=workshop_run.status == "finished")),))
        if first_visit:
            return Outcome(send=(self._welcome(),))
        return Outcome(send=(Reply(self.render.html("not_started.html.j2"),
                                   self._single(self.render.text("button.begin"), Begin())),))

    async def begin(self, user_id: int) -> Outcome:
        """Start a run; earlier runs stay stored.

        "Beginnen" is only offered while no personal run is open, so finding
        one means a double tap or a repeated update: the statement is already
        in the chat, and a second copy of it would only confuse.
        """
        run, created = await self.storage.runs.open_run(user_id)
        if not created and not (await run_state.settled(self.storage, self.questionnaire,
                                                         run)).active:
            run, created = await self.storage.runs.open_run(user_id)
        if not created:
            return Outcome(notice=self.render.text("reliability.run_running"), clear_keyboard=True)
        return Outcome(clear_keyboard=True, send=(await self.statement_message(run),))

    async def begin_field(self, user_id: int, field_id: str | None) -> Outcome:
        """One field only (a colleague who speaks for one area); without a field: which one."""
        if field_id is None:
            rows = tuple((Button(self.render.text("button.field_count", field=f,
                                                  count=len(f.statements)),
                                 BeginField(f.id)),) for f in self.questionnaire.fields)
            return Outcome(clear_keyboard=True,
                           send=(Reply(self.render.html("field_choice.html.j2"), rows),))
        field = self.questionnaire.field(field_id)
        if field is None:
            return Outcome(notice=self.render.text("notice.statement_gone"), alert=True)
        run, created = await self.storage.runs.open_run(user_id, (field.id,))
        if not created:
            return Outcome(notice=self.render.text("reliability.run_running"), clear_keyboard=True)
        return Outcome(clear_keyboard=True, send=(await self.statement_message(run),))

    async def statement_message(self, run: Run) -> Reply:
        """The statement ``run`` continues with, ready to answer (e.g. a new workshop run)."""
        answers = await self.storage.runs.answers(run.id)
        return self.statements.open_statement(run, answers)

    async def continue_run(self, user_id: int, run_id: int) -> Outcome:
        """Switch to another open run (personal or workshop) and continue there."""
        run, _ = await self._active_run_for(user_id, run_id)
        await self.storage.runs.set_current_run(user_id, run.id)
        others = tuple(r for r in await self.storage.runs.active_runs(user_id) if r.id != run.id)
        return Outcome(clear_keyboard=True, send=await self._resume_replies(run, others))

    # --- answering -------------------------------------------------------------

    async def answer(self, user_id: int, run_id: int, statement_id: str, choice: str) -> Outcome:
        async with self.run_locks.hold(run_id):
            run, answers = await self._on_open_statement(user_id, run_id, statement_id, choice)
            statement = self.questionnaire.statement(statement_id)
            assert statement is not None
            fields = self.statements.fields(run)
            first_time = statement_id not in answers
            updated = {**answers, statement_id: choice}
            finishes = current_statement(fields, updated, None) is None
            await self.storage.runs.save_answer(run.id, statement_id, choice, finishes=finishes)
        trace = self.statements.trace(fields, statement, choice, updated)
        notice = self._saved_notice(choice)
        if finishes:
            async def summary() -> tuple[Message, ...]:
                finished = await self.storage.runs.run(run.id)
                assert finished is not None
                return await self.summary(finished, updated)

            # The closing note answers the tap at once; the summary follows when its
            # chart is drawn, which may take a moment when many finish together.
            done = "workshop_run_done.html.j2" if run.workshop_id else "run_done.html.j2"
            return Outcome(notice=notice, edit=Reply(self.render.html(done, trace=trace)),
                           later=summary, stopping_point=True)
        completed = field_completed_by(fields, statement_id, updated) if first_time else None
        next_position = self.statements.position(run, updated, None)
        if completed is not None:
            result = score_field(completed, updated, self.questionnaire.scale)
            note = Reply(self.render.html("field_done.html.j2", trace=trace, result=result,
                                          scale=self.questionnaire.scale,
                                          left=next_position.total - next_position.answered,
                                          minutes=minutes_left(next_position),
                                          intro=self.statements.field_intro(next_position)),
                         self._single(self.render.text("results.button.review_field",
                                                       field=completed),
                                      ReviewField(run.id, completed.id)))
            return Outcome(notice=notice, edit=note, stopping_point=True,
                           send=(self.statements.reply(run, next_position, updated),))
        return Outcome(notice=notice,
                       edit=self.statements.reply(run, next_position, updated, trace=trace))

    async def answer_again(self, user_id: int, run_id: int, statement_id: str,
                           choice: str) -> Outcome:
        """An answer on a statement opened by its address: as if the person had gone back to
        it (an earlier answer changes), then on to the first statement still open."""
        async with self.run_locks.hold(run_id):
            run, answers = await self._active_run_for(user_id, run_id)
            open_now = self.statements.position(run, answers, run.cursor).statement
            if statement_id != open_now.id and self.statements.shown_again(
                    run, answers, statement_id) is not None:
                await self.storage.runs.set_cursor(run.id, statement_id if statement_id in answers
                                                   else None)
        return await self.answer(user_id, run_id, statement_id, choice)

    async def show_statement(self, user_id: int, run_id: int, statement_id: str) -> Outcome:
        """A statement opened by its address; one the run does not reach shows the open one."""
        run, answers = await self._active_run_for(user_id, run_id)
        shown = self.statements.shown_again(run, answers, statement_id)
        if shown is not None:
            return Outcome(send=(shown,))
        known = self.questionnaire.statement(statement_id) is not None
        notice = self.render.text("notice.not_yet" if known else "notice.statement_gone")
        return Outcome(notice=notice, send=(self.statements.open_statement(run, answers),))

    async def back(self, user_id: int, run_id: int, statement_id: str) -> Outcome:
        async with self.run_locks.hold(run_id):
            run, answers = await self._on_open_statement(user_id, run_id, statement_id)
            previous = position_of(self.statements.fields(run), statement_id, answers).previous
            if previous is None:
                return Outcome(notice=self.render.text("notice.first_statement"))
            await self.storage.runs.set_cursor(run.id, previous.id)
        position = self.statements.position(run, answers, previous.id)
        return Outcome(edit=self.statements.reply(run, position, answers))

    async def info(self, user_id: int, run_id: int, statement_id: str) -> Outcome:
        run, answers = await self._on_open_statement(user_id, run_id, statement_id)
        position = self.statements.position(run, answers, run.cursor)
        return Outcome(edit=self.statements.reply(run, position, answers, show_info=True))

    async def pause(self, user_id: int, run_id: int) -> Outcome:
        run, answers = await self._active_run_for(user_id, run_id)
        position = self.statements.position(run, answers, run.cursor)
        return Outcome(edit=Reply(self.render.html("paused.html.j2", position=position),
                                  self._single(self.render.text("button.unpause"),
                                               Unpause(run.id))), stopping_point=True)

    async def unpause(self, user_id: int, run_id: int) -> Outcome:
        """▶️ after a pause: the open statement where the pause note was."""
        run, answers = await self._active_run_for(user_id, run_id)
        return Outcome(edit=self.statements.open_statement(run, answers))

    # --- results, cancelling, help -------------------------------------------

    async def results(self, user_id: int, run_id: int | None = None) -> Outcome:
        """A run's results: the given one, else the running one's completed fields or the last."""
        if run_id is not None:
            run = await self.storage.runs.run(run_id)
            if run is None or run.user_id != user_id:
                raise refused_button(self.render)
        else:
            run = await self.view.current_run(user_id)
        if run is None:
            return Outcome(send=(Reply(self.render.html("no_results.html.j2"),
                                       self._single(self.render.text("button.begin"), Begin())),))
        answers = await self.storage.runs.answers(run.id)
        return Outcome(later=functools.partial(self.summary, run, answers))

    async def cancel_request(self, user_id: int) -> Outcome:
        """/abbrechen: ask before ending the run last worked on."""
        run, _ = await self._open_runs(user_id)
        if run is None:
            return Outcome(send=(Reply(self.render.html("nothing_to_cancel.html.j2")),))
        confirmation = Confirmation(
            Button(self.render.text("button.cancel_confirm"), Cancel(run.id)),
            Button(self.render.text("button.cancel_keep"), Keep()))
        workshop = await self._workshop_name(run)
        question = (self.render.html("workshop_cancel_confirm.html.j2", workshop=workshop)
                    if workshop else self.render.html("cancel_confirm.html.j2"))
        return Outcome(send=(Reply(question, confirmation.keyboard, asks=confirmation),))

    async def cancel(self, user_id: int, run_id: int) -> Outcome:
        run, _ = await self._active_run_for(user_id, run_id)
        await self.storage.runs.cancel_run(run.id)
        return Outcome(edit=Reply(self.render.html("cancelled.html.j2")))

    async def keep(self, user_id: int) -> Outcome:
        resumed = await self.resume(user_id)
        return Outcome(clear_keyboard=True, send=resumed.send)

    def help(self, listed: tuple[str, ...]) -> Outcome:
        commands = descriptions(self.render, listed)
        # „Über diesen Selbstcheck“ first: the commands stay in view at the foot of the chat.
        return Outcome(send=(Reply(self.render.html("about.html.j2",
                                                    fields=self.questionnaire.fields)),
                             Reply(self.render.html("help.html.j2", commands=commands,
                                                    scale=self.questionnaire.scale),
                                   self.languages.switch())))

    async def hint(self, user_id: int, unknown_command: str | None = None, *,
                   media: bool = False) -> Outcome:
        """Free text, a sticker, photo or voice message, or an unknown command: say what
        works, and show the open statement again."""
        if unknown_command is not None and len(unknown_command) > MAX_COMMAND_SHOWN:
            unknown_command = unknown_command[:MAX_COMMAND_SHOWN] + "…"
        note = Reply(self.render.html("hint.html.j2", command=unknown_command, media=media))
        run, _ = await self._open_runs(user_id)
        if run is None:
            return Outcome(send=(note,))
        answers = await self.storage.runs.answers(run.id)
        return Outcome(send=(note, self.statements.open_statement(run, answers)))

    # --- helpers ---------------------------------------------------------------

    def _saved_notice(self, choice: str) -> str:
        key = (self.render.language.tag, choice)
        notice = self._saved_notices.get(key)
        if notice is None:
            notice = self._saved_notices[key] = self.render.text(
                "notice.saved", choice=self.questionnaire.scale.choice(choice))
        return notice

    async def _on_open_statement(self, user_id: int, run_id: int, statement_id: str,
                                 choice: str | None = None) -> tuple[Run, dict[str, str]]:
        """The run and its answers when the tap is on its open statement; refused otherwise."""
        run, answers = await self._active_run_for(user_id, run_id)
        self.statements.expect_open(run, answers, statement_id, choice)
        return run, answers

    async def _open_runs(self, user_id: int) -> tuple[Run | None, tuple[Run, ...]]:
        """The open run the person last worked on, and their other open runs.

        A workshop participant may have a personal self-check open as well;
        commands address the one they touched last.
        """
        runs = await run_state.open_runs(self.storage, self.questionnaire, user_id)
        if not runs:
            return None, ()
        return runs[0], tuple(runs[1:])

    async def _workshop_name(self, run: Run) -> str | None:
        """The municipality of a workshop run; ``None`` for a personal self-check."""
        if run.workshop_id is None:
            return None
        workshop = await self.storage.workshops.workshop(run.workshop_id)
        return workshop.municipality if workshop else None

    async def _resume_replies(self, run: Run, others: tuple[Run, ...]) -> tuple[Reply, Reply]:
        """Where the person stands in ``run``, with a button to switch to each other open run."""
        answers = await self.storage.runs.answers(run.id)
        position = self.statements.position(run, answers, run.cursor)
        switches: list[tuple[Button, ...]] = []
        for other in others:
            name = await self._workshop_name(other)
            label = (self.render.text("workshop.button.switch_to_workshop", workshop=name) if name
                     else self.render.text("workshop.button.switch_to_personal"))
            switches.append((Button(label, ContinueRun(other.id)),))
        last = await self.storage.runs.last_answered_at(run.id)
        away = last is not None and self.storage.clock.now() - datetime.fromisoformat(last) > REAL_PAUSE
        note = Reply(self.render.html("resume.html.j2", position=position,
                                      workshop=await self._workshop_name(run),
                                      others=len(others), welcome_back=away,
                                      minutes_left=minutes_left(position)), tuple(switches))
        return note, self.statements.reply(run, position, answers)

    def _welcome(self) -> Reply:
        return Reply(self.render.html("welcome.html.j2", questionnaire=self.questionnaire,
                                      total=len(self.questionnaire.statements)),
                     ((Button(self.render.text("button.begin"), Begin()),),
                      (Button(self.render.text("button.one_field"), BeginField()),),
                      *self.languages.switch()))

    def _finished_prompt(self, run: Run) -> Reply:
        keyboard = ((Button(self.render.text("button.show_results"), ShowResults(run.id)),),
                    (Button(self.render.text("button.new_run"), Begin()),))
        assert run.finished_at is not None
        finished_on = shown_date(local_date(run.finished_at))
        return Reply(self.render.html("finished.html.j2", finished_on=finished_on), keyboard)

    async def summary(self, run: Run, answers: Mapping[str, str]) -> tuple[Message, ...]:
        """The results with chart, comparison and buttons (see :mod:`bot.flows.results`).

        A workshop run's summary is the person's own; a note says so, and that
        the group's result comes from the coordinators.
        """
        participant = (await self.storage.workshops.participant(run.workshop_id, run.user_id)
                       if run.workshop_id is not None else None)
        discussion = (participant is not None and participant.perspective is not None
                      and participant.perspective not in ADMINISTRATION)
        summary = await self.view.summary(run, answers, discussion=discussion)
        workshop = await self._workshop_name(run)
        if workshop is None:
            return summary
        note = Reply(self.render.html("workshop_personal_note.html.j2", workshop=workshop,
                                      finished=run.status == "finished"))
        return (*summary, note)

    @staticmethod
    def _single(label: str, action: ButtonAction) -> Keyboard:
        return ((Button(label, action),),)

