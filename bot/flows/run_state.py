"""Which of a person's runs are still open, measured against the questionnaire as it is now.

A run stays ``active`` in the database until its last open statement is
answered. When the questionnaire changes under it (a statement or field
removed), a run can be left with nothing to answer: it is finished the next
time anybody looks at it, so no command, button or workshop link ever meets
an active run without a statement to show. Personal and workshop runs alike
go through here.
"""

from __future__ import annotations

from bot.domain.entities import Run
from bot.domain.progress import current_statement
from bot.domain.questionnaire import Questionnaire
from bot.store.storage import Storage


async def settled(storage: Storage, questionnaire: Questionnaire, run: Run) -> Run:
    """The run, finished now if nothing is left to answer in it."""
    if not run.active:
        return run
    settled_run, _ = await settled_with_answers(storage, questionnaire, run)
    return settled_run


async def settled_with_answers(storage: Storage, questionnaire: Questionnaire,
                               run: Run) -> tuple[Run, dict[str, str]]:
    """The settled run and its answers, read once for both (a tap needs them together)."""
    return await settled_answered(storage, questionnaire, run, await storage.runs.answers(run.id))


async def settled_answered(storage: Storage, questionnaire: Questionnaire, run: Run,
                           answers: dict[str, str]) -> tuple[Run, dict[str, str]]:
    """The settled run, given its ``answers`` as just read."""
    if not run.active or current_statement(questionnaire.select(run.field_ids), answers,
                                           None) is not None:
        return run, answers
    await storage.runs.finish_run(run.id)
    finished = await storage.runs.run(run.id)
    assert finished is not None
    return finished, answers


async def open_runs(storage: Storage, questionnaire: Questionnaire, user_id: int) -> list[Run]:
    """The person's open runs, the one last worked on first (see ``Storage.active_runs``)."""
    runs = [await settled(storage, questionnaire, run)
            for run in await storage.runs.active_runs(user_id)]
    return [run for run in runs if run.active]


async def settled_active_run(storage: Storage, questionnaire: Questionnaire, user_id: int,
                             workshop_id: int | None = None) -> Run | None:
    """The person's open personal run, or their open run in the given workshop."""
    run = await storage.runs.active_run(user_id, workshop_id)
    if run is None:
        return None
    run = await settled(storage, questionnaire, run)
    return run if run.active else None
