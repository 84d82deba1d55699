"""Where a person stands, as the one next step a page offers above everything else.

A channel that shows pages (the browser) puts this step in its header: continue
at the open statement, see the result of the finished run, or begin. It is
derived from the stored runs, like the position itself, so it is right on
every page and after every restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.progress import Position
from bot.flows import run_state
from bot.flows.actions import Begin, ButtonAction, Report, ShowResults, Unpause
from bot.flows.outcome import Button
from bot.flows.statement_view import StatementView
from bot.output.render import Renderer
from bot.store.storage import Storage


@dataclass(frozen=True)
class Standing:
    """The next step, and the actions of a page that already is that step.

    ``position``: where the open run stands (``None`` when no run is open).
    """

    next: Button
    here: tuple[ButtonAction, ...]
    position: Position | None = None


async def standing(storage: Storage, statements: StatementView, render: Renderer,
                   user_id: int) -> Standing:
    """The step for the person's open run last worked on, else their last finished run."""
    runs = await run_state.open_runs(storage, statements.questionnaire, user_id)
    if runs:
        run = runs[0]
        answers = await storage.runs.answers(run.id)
        position = statements.position(run, answers, run.cursor)
        number = position.field.number_of(position.statement)
        resume = Unpause(run.id)
        return Standing(Button(render.text("standing.continue", number=number), resume),
                        (resume,), position)
    finished = await storage.runs.finished_runs(user_id)
    if finished:
        results = ShowResults(finished[0].id)
        # The summary's own buttons (its report) say the page is the result already.
        return Standing(Button(render.text("standing.results"), results),
                        (results, Report(finished[0].id)))
    return Standing(Button(render.text("standing.begin"), Begin()), (Begin(),))
