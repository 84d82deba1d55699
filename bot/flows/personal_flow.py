"""What the flows around one person's run share: storage, questionnaire, templates, the result view."""

from __future__ import annotations

from bot.domain.entities import Run
from bot.domain.questionnaire import Questionnaire
from bot.flows import run_state
from bot.flows.outcome import Outcome
from bot.flows.refusals import Refused, refused_button
from bot.flows.results_view import ResultsView
from bot.output.render import Renderer
from bot.store.storage import Storage


class PersonalFlow:
    """Base of the self-check, its review and its report: the same four tools, set once."""

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 view: ResultsView) -> None:
        self.storage = storage
        self.questionnaire = questionnaire
        self.render = renderer
        self.view = view

    async def _active_run_for(self, user_id: int,
                              run_id: int) -> tuple[Run, dict[str, str]]:
        """The person's own active run with its answers; refused otherwise."""
        found = await self.storage.runs.run_with_answers(run_id)
        if found is None or found[0].user_id != user_id:
            raise refused_button(self.render)
        run, answers = await run_state.settled_answered(self.storage, self.questionnaire, *found)
        if not run.active:
            workshop = await self.storage.workshops.workshop(run.workshop_id) if run.workshop_id else None
            notice = ("workshop.notice.closed_for_answers" if workshop and not workshop.open
                      else "notice.run_closed")
            raise Refused(Outcome(notice=self.render.text(notice), alert=True, clear_keyboard=True))
        return run, answers
