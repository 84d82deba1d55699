""""Ihre nächsten Schritte": up to three suggestions a person chooses to start with.

The self-check ends with the municipality planning its next steps, not with
a list. The choice is kept with the run, heads the chat result and the PDF
report, and a later run shows what was planned the time before. Choosing
edits the result's last message in place, like a field's full text.
"""

from __future__ import annotations

from dataclasses import replace

from bot.flows.actions import Priorities, Prioritize, SummaryBack
from bot.flows.outcome import Button, Choice, Form, Option, Outcome, Reply
from bot.flows.results_view import ResultsView, RunResults
from bot.output.render import Renderer
from bot.store.storage import Storage

MAX_STEPS = 3
STEPS_PER_ROW = 4


class NextSteps:
    """Choosing, changing and showing a run's next steps."""

    def __init__(self, storage: Storage, renderer: Renderer, view: ResultsView) -> None:
        self.storage = storage
        self.render = renderer
        self.view = view

    async def overview(self, user_id: int, run_id: int, field_id: str | None = None,
                       notice: str | None = None) -> Outcome:
        """The steps chosen so far and a button per field with suggestions; or one field's."""
        view = await self._results(user_id, run_id)
        if field_id is not None:
            return self._field(view, field_id, notice)
        run = view.run
        fields = [r for r in view.shown_results if r.suggestions]
        buttons = [Button(self.render.text("button.field_count", field=r.field,
                                           count=len(r.suggestions)),
                          Priorities(run.id, r.field.id)) for r in fields]
        rows = [tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2)]
        rows.append((Button(self.render.text("results.button.back_to_summary"),
                            SummaryBack(run.id)),))
        text = self.render.html("next_steps.html.j2",
                                steps=self.view.step_items(view.priorities))
        return Outcome(notice=notice, edit=Reply(text, tuple(rows)))

    async def choose(self, user_id: int, run_id: int, statement_id: str, chosen: bool) -> Outcome:
        """Choose or drop one suggestion, then show its field's suggestions again."""
        view = await self._results(user_id, run_id)
        result = next((r for r in view.shown_results
                       if any(s.id == statement_id for s in r.suggestions)), None)
        if result is None:  # answered differently by now, or a forged button
            return Outcome(notice=self.render.text("notice.statement_gone"), alert=True)
        if not await self.storage.runs.set_priority(run_id, statement_id, chosen, MAX_STEPS):
            return Outcome(notice=self.render.text("results.notice.steps_full"), alert=True)
        statement = next(s for s in result.suggestions if s.id == statement_id)
        number = self.view.step_items((statement,))[0][0]
        notice = self.render.text("results.notice.step_chosen" if chosen
                                  else "results.notice.step_dropped", number=number)
        # Only the chosen steps changed: the scores, changes and answers stand as read.
        return self._field(replace(view, priorities=await self.view.chosen_steps(view.run)),
                           result.field.id, notice)

    async def choose_field(self, user_id: int, run_id: int, field_id: str,
                           statement_ids: tuple[str, ...]) -> Outcome:
        """A field's suggestions chosen at once (a form's boxes): saved, then all steps so
        far; more than ``MAX_STEPS`` in all is refused next to the boxes, as ticked."""
        view = await self._results(user_id, run_id)
        result = next((r for r in view.shown_results if r.field.id == field_id), None)
        if result is None or not result.suggestions:
            return Outcome(notice=self.render.text("results.notice.field_open"), alert=True)
        offered = {s.id for s in result.suggestions}
        chosen = set(statement_ids)
        if not chosen <= offered:  # answered differently by now, or a forged form
            return Outcome(notice=self.render.text("notice.statement_gone"), alert=True)
        elsewhere = sum(1 for s in view.priorities if s.id not in offered)
        if len(chosen) + elsewhere > MAX_STEPS or not await self.storage.runs.choose_priorities(
                run_id, offered, chosen, MAX_STEPS):
            error = self.render.text("form.steps_too_many", count=len(chosen),
                                     elsewhere=elsewhere, most=MAX_STEPS)
            return self._field(view, field_id, None, ticked=chosen, error=error)
        return await self.overview(user_id, run_id,
                                   notice=self.render.text("results.notice.steps_saved",
                                                           count=len(chosen), field=result.field))

    def _field(self, view: RunResults, field_id: str, notice: str | None, *,
               ticked: set[str] | None = None, error: str | None = None) -> Outcome:
        """A field's suggestions to choose from; ``ticked`` and ``error``: a choice refused."""
        result = next((r for r in view.shown_results if r.field.id == field_id), None)
        if result is None or not result.suggestions:
            return Outcome(notice=self.render.text("results.notice.field_open"), alert=True)
        chosen_ids = {s.id for s in view.priorities}
        items = self.view.step_items(result.suggestions)
        offered = {s.id for s in result.suggestions}
        choice = Choice("steps", self.render.text("form.steps", field=result.field),
                        tuple(Option(statement.id, f"{number} {suggestion}",
                                     statement.id in (chosen_ids if ticked is None else ticked))
                              for number, statement, suggestion in items),
                        most=MAX_STEPS, error=error,
                        hint=self.render.text("form.steps_hint", most=MAX_STEPS,
                                              elsewhere=len(chosen_ids - offered)))
        form = Form(Priorities(view.run.id, result.field.id), (choice,),
                    self.render.text("form.steps_submit"),
                    Button(self.render.text("form.steps_back"), Priorities(view.run.id)))
        buttons = [Button(self.render.text("results.button.step", number=number,
                                           chosen=statement.id in chosen_ids),
                          Prioritize(view.run.id, statement.id, statement.id not in chosen_ids))
                   for number, statement, _ in items]
        rows = [tuple(buttons[i:i + STEPS_PER_ROW]) for i in range(0, len(buttons), STEPS_PER_ROW)]
        rows.append((Button(self.render.text("results.button.back_to_steps"),
                            Priorities(view.run.id)),))
        text = self.render.html("next_steps_field.html.j2", result=result, items=items,
                                chosen_ids=chosen_ids, chosen=len(chosen_ids), limit=MAX_STEPS)
        return Outcome(notice=notice, edit=Reply(text, tuple(rows), asks=form))

    async def _results(self, user_id: int, run_id: int) -> RunResults:
        return await self.view.run_results(*await self.view.owned_run(user_id, run_id))
