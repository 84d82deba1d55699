"""Reviewing and changing answers already given, field by field.

Offered after each completed field and from the results. Only answers that
exist can be changed (an open statement is answered in the conversation, in
order), so a review never finishes a run behind the person's back; the run's
status and "Zurück" cursor stay untouched. The assessment shown in the review
is recomputed from the stored answers after every change.

Opening a review sends a new message; moving inside it edits that message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.entities import Run
from bot.domain.questionnaire import Field, Statement
from bot.domain.scoring import FieldResult
from bot.flows.actions import Change, ChangeOpen, Keep, ReviewField, ReviewFields, ShowResults
from bot.flows.outcome import Button, Choice, Form, Option, Outcome, Reply
from bot.flows.personal_flow import PersonalFlow
from bot.flows.refusals import Refused
from bot.flows.results_view import RunResults

PAGE_SIZE = 8  # statements per review message: 8 of the longest still fit in 4096 chars


@dataclass(frozen=True)
class _GivenAnswer:
    """An answer that may be changed now, with where it stands in its field."""

    run: Run
    field: Field
    statement: Statement
    choice: str
    answers: Mapping[str, str]  # all the run's answers, as read with the run

    @property
    def number(self) -> int:
        return self.field.place_of(self.statement)

    @property
    def page(self) -> int:
        """The review page of its field that shows it."""
        return (self.number - 1) // PAGE_SIZE


BUTTONS_PER_ROW = 4


@dataclass(frozen=True)
class _Refused:
    """A change sent from the form without a statement or a new answer: what was chosen."""

    statement_id: str
    choice: str
    statement_error: str | None
    choice_error: str | None


class Review(PersonalFlow):
    """The review messages: which field, a field's answers page by page, changing one answer."""

    async def fields(self, user_id: int, run_id: int, *, in_place: bool = False) -> Outcome:
        """Which field's answers to look at: the run's assessed fields."""
        owned = await self.view.owned_run(user_id, run_id)
        view = await self.view.run_results(*owned)
        run = view.run
        rows = tuple((Button(self.render.text("results.button.review_field_choice", result=result),
                             ReviewField(run.id, result.field.id, 0)),)
                     for result in view.shown_results)
        if not rows:
            return Outcome(notice=self.render.text("results.notice.nothing_to_review"), alert=True)
        reply = Reply(self.render.html("review_fields.html.j2", run=run), rows)
        return Outcome(edit=reply) if in_place else Outcome(send=(reply,))

    async def field(self, user_id: int, run_id: int, field_id: str,
                    page: int | None = None, *, notice: str | None = None) -> Outcome:
        """A field's statements with the answers given; ``page`` set: shown in place."""
        run, answers = await self.view.owned_run(user_id, run_id)
        field = self.questionnaire.field(field_id)
        if field is None or field.id not in {f.id for f in self.questionnaire.select(run.field_ids)}:
            return Outcome(notice=self.render.text("notice.statement_gone"), alert=True)
        return await self._field_review(run, answers, field, page, notice)

    async def _field_review(self, run: Run, answers: Mapping[str, str], field: Field,
                            page: int | None, notice: str | None,
                            refused: _Refused | None = None) -> Outcome:
        """The review of one of the run's fields, from answers already read."""
        view = await self.view.run_results(run, answers)
        result = next(r for r in view.results if r.field.id == field.id)
        if not view.shown(result):
            return Outcome(notice=self.render.text("results.notice.field_open"), alert=True)
        reply = self._review_reply(view, result, page or 0, refused)
        if page is None:
            return Outcome(notice=notice, send=(reply,))
        return Outcome(notice=notice, edit=reply)

    async def change_chosen(self, user_id: int, run_id: int, field_id: str, page: int,
                            statement_id: str, choice: str) -> Outcome:
        """A change chosen in the review's form: made, or the form again saying what is missing."""
        if statement_id and choice:
            return await self.change(user_id, run_id, statement_id, choice)
        run, answers = await self.view.owned_run(user_id, run_id)
        field = self.questionnaire.field(field_id)
        if field is None or field.id not in {f.id for f in self.questionnaire.select(run.field_ids)}:
            return Outcome(notice=self.render.text("notice.statement_gone"), alert=True)
        refused = _Refused(statement_id, choice,
                           None if statement_id else self.render.text("form.change_no_statement"),
                           None if choice else self.render.text("form.change_no_choice"))
        return await self._field_review(run, answers, field, page, None, refused)

    def _change_form(self, view: RunResults, field: Field, page: int,
                     statements: tuple[Statement, ...], refused: _Refused | None,
                     others: tuple[Button, ...]) -> Form:
        """Changing one answer of the page: which statement (one of), and its new answer."""
        scale, answers, run = self.questionnaire.scale, view.answers, view.run
        picked = refused or _Refused("", "", None, None)
        statement = Choice("statement", self.render.text("form.change_statement"), tuple(
            Option(s.id, self.render.text("form.change_option", field=field,
                                          number=field.place_of(s), statement=s,
                                          choice=scale.choice(answers[s.id])),
                   s.id == picked.statement_id)
            for s in statements if s.id in answers), error=picked.statement_error)
        choice = Choice("choice", self.render.text("form.change_choice"), tuple(
            Option(c.key, f"{c.key} · {c.label}", c.key == picked.choice)
            for c in scale.choices), error=picked.choice_error)
        return Form(ReviewField(run.id, field.id, page), (statement, choice),
                    self.render.text("form.change_submit"),
                    Button(self.render.text("form.change_back"), ShowResults(run.id)),
                    others=others)

    def _review_reply(self, view: RunResults, result: FieldResult, page: int,
                      refused: _Refused | None = None) -> Reply:
        field, run = result.field, view.run
        pages = max(1, -(-len(field.statements) // PAGE_SIZE))
        page = min(page, pages - 1)
        start = page * PAGE_SIZE
        statements = field.statements[start:start + PAGE_SIZE]
        scale = self.questionnaire.scale
        answers = view.answers
        text = self.render.html(
            "review.html.j2", result=result, scale=scale, pages=pages,
            change=self.view.change_texts(view).get(field.id),
            retired=self.view.retired_answers(view, field.id) if page == pages - 1 else [],
            items=[(field.place_of(s), s,
                    scale.choice(answers[s.id]) if s.id in answers else None)
                   for s in statements])
        buttons = [Button(self.render.text("results.button.review_statement", field=field,
                                           number=field.place_of(s),
                                           choice=answers[s.id]),
                          ChangeOpen(run.id, s.id))
                   for s in statements if s.id in answers]
        rows: list[tuple[Button, ...]] = [tuple(buttons[i:i + BUTTONS_PER_ROW])
                                          for i in range(0, len(buttons), BUTTONS_PER_ROW)]
        paging = []
        if page > 0:
            paging.append(Button(self.render.text("results.button.page_back"),
                                 ReviewField(run.id, field.id, page - 1)))
        if page < pages - 1:
            paging.append(Button(self.render.text("results.button.page_next"),
                                 ReviewField(run.id, field.id, page + 1)))
        if paging:
            rows.append(tuple(paging))
        rows.append((Button(self.render.text("results.button.other_fields"),
                            ReviewFields(run.id, in_place=True)),
                     Button(self.render.text("results.button.show_results"), ShowResults(run.id))))
        others = (*paging, rows[-1][0])
        if run.active:
            keep = Button(self.render.text("results.button.continue"), Keep())
            rows.append((keep,))
            others = (*others, keep)
        form = self._change_form(view, field, page, statements, refused, others)
        return Reply(text, tuple(rows), asks=form)

    async def change_open(self, user_id: int, run_id: int, statement_id: str) -> Outcome:
        """One given answer, with the five choices to change it."""
        given = await self._changeable(user_id, run_id, statement_id)
        rows = tuple((Button(self.render.text("button.choice", choice=c,
                                              chosen=c.key == given.choice),
                             Change(given.run.id, given.statement.id, c.key)),)
                     for c in self.questionnaire.scale.choices)
        back = (Button(self.render.text("results.button.back_to_review"),
                       ReviewField(given.run.id, given.field.id, given.page)),)
        text = self.render.html("change.html.j2", field=given.field, number=given.number,
                                statement=given.statement,
                                current=self.questionnaire.scale.choice(given.choice))
        return Outcome(edit=Reply(text, (*rows, back)))

    async def change(self, user_id: int, run_id: int, statement_id: str, choice: str) -> Outcome:
        """Store the changed answer, then show the field's review with its new assessment."""
        given = await self._changeable(user_id, run_id, statement_id)
        answers = given.answers
        if choice == given.choice:
            notice = self.render.text("results.notice.unchanged")
        else:
            await self.storage.runs.change_answer(given.run.id, given.statement.id, choice)
            answers = await self.storage.runs.answers(given.run.id)
            notice = self.render.text("results.notice.changed", field=given.field,
                                      number=given.number,
                                      choice=self.questionnaire.scale.choice(choice))
        return await self._field_review(given.run, answers, given.field, given.page, notice)

    async def _changeable(self, user_id: int, run_id: int,
                          statement_id: str) -> _GivenAnswer:
        """The given answer that may be changed; refused otherwise."""
        run, answers = await self.view.owned_run(user_id, run_id)
        statement = self.questionnaire.statement(statement_id)
        fields = self.questionnaire.select(run.field_ids)
        if statement is None or statement.field_id not in {f.id for f in fields}:
            raise Refused(Outcome(notice=self.render.text("notice.statement_gone"), alert=True))
        field = self.questionnaire.field_of(statement.id)
        if statement.id not in answers:
            raise Refused(Outcome(notice=self.render.text("results.notice.not_answered"),
                                  alert=True))
        if run.active and not all(s.id in answers for s in field.statements):
            raise Refused(Outcome(notice=self.render.text("results.notice.field_open"), alert=True))
        if run.workshop_id is not None:
            workshop = await self.storage.workshops.workshop(run.workshop_id)
            if workshop is None or not workshop.open:  # a closed workshop takes no more answers
                raise Refused(Outcome(
                    notice=self.render.text("workshop.notice.closed_for_answers"), alert=True))
        return _GivenAnswer(run, field, statement, answers[statement.id], answers)
