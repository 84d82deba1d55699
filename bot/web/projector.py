"""The projector view of a workshop, for the room: join code and counts, then the result.

While answering is open it shows the invitation's QR code large, its address
and how many joined and finished per perspective, refreshing itself. Once the
workshop is closed it shows the perspectives side by side per field and then
the topics for dialogue one at a time, in large type. Only the workshop's
coordinators see it; everyone else gets the page an unknown workshop gets,
so ids reveal nothing. After closing it shows the stored final release, like
every other view of the result (:mod:`bot.domain.workshop_release`), so it
follows the same disclosure rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.entities import Workshop
from bot.domain.questionnaire import Questionnaire
from bot.domain.workshop import GROUP_KEYS, Progress, WorkshopResult, progress
from bot.domain.workshop_release import from_snapshot
from bot.flows.invitations import InvitationLink, WorkshopInvitation
from bot.output.render import Renderer
from bot.store.storage import Storage

REFRESH_SECONDS = 10


@dataclass(frozen=True)
class Projection:
    workshop: Workshop
    link: str
    progress: Progress | None  # while open
    result: WorkshopResult | None  # once closed


class Projector:
    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 invitation_link: InvitationLink, minimum: int) -> None:
        self.storage = storage
        self.minimum = minimum  # k, for the note when there is no result
        self.questionnaire = questionnaire
        self.invitation_link = invitation_link
        self.labels = {key: renderer.text(f"workshop.perspective.{key}")
                       for key in GROUP_KEYS}

    async def workshop_for(self, person: int, workshop_id: int) -> Workshop | None:
        """The workshop if ``person`` coordinates it, else ``None``."""
        workshop = await self.storage.workshops.workshop(workshop_id)
        if workshop is None:
            return None
        if workshop.created_by == person or await self.storage.workshops.is_coordinator(workshop_id, person):
            return workshop
        return None

    def link(self, workshop: Workshop) -> str:
        """The address the room joins with (and its QR code shows)."""
        return self.invitation_link(WorkshopInvitation(workshop.token))

    async def projection(self, workshop: Workshop) -> Projection:
        link = self.link(workshop)
        if workshop.open:
            counts = progress(await self.storage.workshops.progress(workshop.id))
            return Projection(workshop, link, counts, None)
        # Once closed, the stored final release, as every other view shows it (never the
        # live aggregate); none when the workshop closed with fewer than k.
        release = await self.storage.releases.latest(workshop.id)
        result = (from_snapshot(release.result, self.questionnaire.select(workshop.field_ids),
                                self.questionnaire.scale) if release is not None else None)
        return Projection(workshop, link, None, result)
