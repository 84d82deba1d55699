"""Released results, the only result anybody sees: drafting a release, storing it, showing it.

A release is drafted from the responses read once, so that what a caller
checks (is every shown group large enough?) is exactly what is stored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.domain.dialogue_plan import dialogue_plan
from bot.domain.entities import Release, Workshop
from bot.domain.next_steps import MOST_STEPS
from bot.domain.release_noise import Noise
from bot.domain.workshop import Response, WorkshopResult, aggregate
from bot.domain.workshop_reference import reference_topics
from bot.domain.workshop_release import Changes, Marker, from_snapshot, markers_of, snapshot
from bot.flows.actions import ManageWorkshop, StepForStatement
from bot.flows.outcome import Button, Outcome, Reply
from bot.flows.results_view import local_date, shown_date
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.reference import AdministrationView

DIALOGUE_SHOWN = 5                     # topics for dialogue in the chat (all in the CSV)
UNJUDGED_SHOWN = 10                    # "could not judge" statements in the chat
SHARED_SHOWN = 10                      # shared low statements in the chat (all in the CSV)


@dataclass(frozen=True)
class Drafted:
    """A release as it would be now, and what it is made of."""

    result: WorkshopResult
    changes: Changes | None  # since the latest release; ``None`` before the first
    latest: Release | None
    responses: list[Response]


class Releases:
    def __init__(self, desk: Desk, noise: Noise | None = None) -> None:
        self.desk = desk
        # The released numbers' noise: unpredictable unless a test sets it.
        self.noise: Noise = noise or random.SystemRandom()
        self.administration = AdministrationView(desk)

    async def draft(self, workshop: Workshop, *, final: bool = False) -> Drafted:
        """What a release now would show, what changed since the last one, that one, and
        the responses it is made of (read once, so that its markers match it exactly).

        Only the closing release shows statements (see :mod:`bot.domain.release_noise`)."""
        desk = self.desk
        await desk.settle_runs(workshop)
        fields = desk.fields(workshop)
        responses = await self._responses(workshop)
        latest = await desk.storage.releases.latest(workshop.id)
        changes = None
        if latest is not None:
            previous = from_snapshot(latest.result, fields, desk.questionnaire.scale)
            markers = [Marker(*row) for row in await desk.storage.releases.markers(latest.id)]
            changes = Changes(fields, responses, markers, previous)
        result = aggregate(fields, desk.questionnaire.scale, responses, desk.minimum, changes,
                           noise=self.noise, statements=final, grouping=workshop.grouping)
        return Drafted(result, changes, latest, responses)

    async def _responses(self, workshop: Workshop) -> list[Response]:
        return [Response(c.perspective, c.answers, person=c.user_id, coordinator=c.coordinator)
                for c in await self.desk.storage.releases.contributions(workshop.id)]

    async def store(self, workshop: Workshop, kind: str, drafted: Drafted) -> bool:
        """Store the release as drafted, so that what the caller checked is what is saved;
        False if there is nothing to release."""
        if not drafted.result.available:
            return False
        markers = [(m.person, m.perspective, m.statement_id, m.choice)
                   for m in markers_of(self.desk.fields(workshop), drafted.responses)]
        latest = drafted.latest
        return await self.desk.storage.releases.save(workshop.id, latest.id if latest else None,
                                                     kind, snapshot(drafted.result), markers)

    async def released(self, workshop: Workshop) -> tuple[Release, WorkshopResult] | None:
        latest = await self.desk.storage.releases.latest(workshop.id)
        if latest is None:
            return None
        result = from_snapshot(latest.result, self.desk.fields(workshop),
                               self.desk.questionnaire.scale)
        return latest, await self.administration.attached(workshop, result)

    def not_released(self, workshop: Workshop) -> Outcome:
        """Nothing released yet – or never, if the workshop closed with fewer than k."""
        key = "result_not_released" if workshop.open else "result_never_released"
        return Outcome(notice=self.desk.render.text(f"workshop.notice.{key}",
                                                    minimum=self.desk.minimum), alert=True)

    def result_replies(self, workshop: Workshop, release: Release, result: WorkshopResult,
                       audience: str) -> tuple[Reply, ...]:
        """The result in messages; for the coordinators with a button per shared low
        statement, the way from what the room shares to an agreed step."""
        desk = self.desk
        shared = result.shared_low_statements
        parts = desk.render.html_parts(
            "workshop_result.html.j2", workshop=workshop, result=result, audience=audience,
            release=release, released=shown_date(local_date(release.released_at)),
            labels=desk.labels, scale=desk.questionnaire.scale, minimum=result.minimum,
            dialogue=result.dialogue[:DIALOGUE_SHOWN],
            more_dialogue=len(result.dialogue) > DIALOGUE_SHOWN,
            unjudged=result.unjudged[:UNJUDGED_SHOWN],
            more_unjudged=len(result.unjudged) > UNJUDGED_SHOWN,
            shared=shared[:SHARED_SHOWN], more_shared=len(shared) > SHARED_SHOWN,
            reference_topics=reference_topics(result)[:DIALOGUE_SHOWN],
            more_reference=len(reference_topics(result)) > DIALOGUE_SHOWN,
            step_buttons=audience == "coordinators" and bool(shared))
        replies = [Reply(part) for part in parts]
        if audience == "coordinators" and shared:
            render = desk.render
            rows = tuple((Button(render.text("workshop.button.step_for", number=row.number),
                                 StepForStatement(workshop.id, row.statement.id)),)
                         for row in shared[:MOST_STEPS])
            rows += ((Button(render.text("workshop.button.steps"),
                             ManageWorkshop("steps", workshop.id)),),)
            replies[-1] = Reply(replies[-1].text, rows)
        return tuple(replies)

    def dialogue_replies(self, workshop: Workshop, release: Release,
                         result: WorkshopResult) -> tuple[Reply, ...]:
        """The plan for a dialogue event after the workshop, from the released result."""
        desk = self.desk
        parts = desk.render.html_parts(
            "workshop_dialogue.html.j2", workshop=workshop, result=result, release=release,
            plan=dialogue_plan(result), labels=desk.labels, minimum=result.minimum)
        back = ((Button(desk.render.text("workshop.button.back_to_menu"),
                        ManageWorkshop("menu", workshop.id)),),)
        return (*(Reply(part) for part in parts[:-1]), Reply(parts[-1], back))
