"""The field page: every statement of one field on one page, for people who know the questionnaire.

A page of radio groups sends what was chosen on it as one :class:`AnswerField`.
It is checked as a whole (the person's own open run, a field of it, statements
of that field, choices of the scale) before anything is written, and stored in
one transaction: the page confirms only what is committed, a partly filled page
keeps what was chosen, and sending the same page again changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.domain.entities import Run
from bot.domain.progress import Position, current_statement
from bot.domain.questionnaire import Field, Questionnaire, Scale
from bot.flows import run_state
from bot.flows.actions import AnswerField
from bot.flows.keyed_locks import KeyedLocks
from bot.flows.outcome import Message, Outcome, Reply
from bot.flows.personal_flow import PersonalFlow
from bot.flows.refusals import Refused
from bot.flows.results_view import ResultsView
from bot.flows.statement_view import StatementView
from bot.output.render import Renderer
from bot.store.storage import Storage

# The results with chart, as a run's last answer brings them (:meth:`SelfCheck.summary`).
SummaryMaker = Callable[[Run, Mapping[str, str]], Awaitable[tuple[Message, ...]]]


@dataclass(frozen=True)
class FieldSheet:
    """What the field page shows: one field of the open run and the answers given so far."""

    run_id: int
    field: Field
    answers: Mapping[str, str]
    position: Position  # where the run stands, for the progress bar
    scale: Scale


class FieldSheets(PersonalFlow):
    """Reads a field's page and stores what it sends; ``locks`` are the self-check's per run,
    so a page and a single answer to the same run never interleave."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 view: ResultsView, statements: StatementView, locks: KeyedLocks,
                 summary: SummaryMaker) -> None:
        super().__init__(storage, questionnaire, renderer, view)
        self.statements = statements
        self.locks = locks
        self.summary = summary
        self._keys = frozenset(c.key for c in questionnaire.scale.choices)

    async def sheet(self, user_id: int, field_id: str) -> FieldSheet | None:
        """The field in the person's open run last worked on; ``None`` if it has no such field."""
        runs = await run_state.open_runs(self.storage, self.questionnaire, user_id)
        if not runs:
            return None
        run = runs[0]
        field = next((f for f in self.statements.fields(run) if f.id == field_id), None)
        if field is None:
            return None
        answers = await self.storage.runs.answers(run.id)
        return FieldSheet(run.id, field, answers,
                          self.statements.position(run, answers, run.cursor),
                          self.questionnaire.scale)

    async def answer(self, user_id: int, action: AnswerField) -> Outcome:
        async with self.locks.hold(action.run_id):
            run, answers = await self._active_run_for(user_id, action.run_id)
            field, choices = self._checked(run, action)
            if not choices:
                return Outcome(notice=self.render.text("field_page.nothing_chosen"))
            updated = {**answers, **choices}
            changed = {sid: choice for sid, choice in choices.items() if answers.get(sid) != choice}
            finishes = current_statement(self.statements.fields(run), updated, None) is None
            if changed:
                await self.storage.runs.save_answers(run.id, changed, finishes=finishes)
        notice = self.render.text("field_page.saved", count=len(choices), field=field)
        if not finishes:
            return Outcome(notice=notice, edit=self.statements.open_statement(run, updated))

        async def summary() -> tuple[Message, ...]:
            finished = await self.storage.runs.run(run.id)
            assert finished is not None
            return await self.summary(finished, updated)

        done = "workshop_run_done.html.j2" if run.workshop_id else "run_done.html.j2"
        return Outcome(notice=notice, edit=Reply(self.render.html(done, trace=None)),
                       later=summary)

    def _checked(self, run: Run, action: AnswerField) -> tuple[Field, dict[str, str]]:
        """The page's choices, if every one is a statement of the run's field and a choice
        of the scale; otherwise the page is refused as a whole and nothing is written."""
        field = next((f for f in self.statements.fields(run) if f.id == action.field_id), None)
        statement_ids = {s.id for s in field.statements} if field else set()
        choices = dict(action.choices)
        if (field is None or len(choices) != len(action.choices)
                or not all(sid in statement_ids and choice in self._keys
                           for sid, choice in choices.items())):
            raise Refused(Outcome(notice=self.render.text("field_page.invalid"), alert=True))
        # In the field's order, so the run's last statement is written last.
        return field, {s.id: choices[s.id] for s in field.statements if s.id in choices}
