"""What every part of the workshop conversation works with, and the coordinator check.

Like :class:`~bot.flows.selfcheck.SelfCheck`, every public method of the
workshop's parts takes what a channel decoded and returns an
:class:`~bot.flows.outcome.Outcome`; nothing here knows a channel.
Participants answer the statements through the ordinary self-check (their run
carries the workshop and its field selection), so the parts only cover
setting up, joining, choosing a perspective, and everything the coordinators
do.

Authorisation: every management button names a workshop id, and anybody can
forge one, so each tap checks that the person coordinates that workshop
(deleting: that they created it). A stranger's tap gets the same polite
refusal as a workshop that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import only_local
from bot.domain.disclosure import DEFAULT_MIN_GROUP
from bot.domain.entities import Workshop
from bot.domain.questionnaire import Field, Questionnaire
from bot.domain.workshop import GROUP_KEYS
from bot.domain.workshop_reference import REFERENCE
from bot.flows import run_state
from bot.flows.invitations import Invitation, InvitationLink, ManagementLink, WorkshopInvitation
from bot.flows.outcome import Outcome, Reply
from bot.flows.refusals import refused_button
from bot.output.render import Renderer
from bot.store.storage import Storage


@dataclass(frozen=True)
class Desk:
    """Storage, questionnaire and templates; ``minimum`` is k (see :mod:`bot.domain.disclosure`).

    ``invitation_link`` turns an invitation into the browser's address,
    ``telegram_link`` into Telegram where the bot runs (every invitation
    carries both then); ``management_link`` a coordinator's private link to the
    browser.
    """

    storage: Storage
    questionnaire: Questionnaire
    render: Renderer
    invitation_link: InvitationLink
    management_link: ManagementLink | None = None
    minimum: int = DEFAULT_MIN_GROUP
    telegram_link: InvitationLink | None = None

    @property
    def labels(self) -> dict[str, str]:
        """A perspective's (or group's) name, in the language the task speaks."""
        return {key: self.render.text(f"workshop.perspective.{key}")
                for key in (*GROUP_KEYS, REFERENCE)}

    def telegram(self, invitation: Invitation) -> str | None:
        """The invitation's link into Telegram, where the bot runs."""
        return self.telegram_link(invitation) if self.telegram_link is not None else None

    def local_link(self, workshop: Workshop) -> str | None:
        """The invitation address, if only this machine can open it (the public URL is not set)."""
        link = self.invitation_link(WorkshopInvitation(workshop.token))
        return link if only_local(link) else None

    def fields(self, workshop: Workshop) -> tuple[Field, ...]:
        return self.questionnaire.select(workshop.field_ids)

    async def coordinated(self, user_id: int, workshop_id: int) -> Workshop | None:
        """The workshop if the person coordinates it; ``None`` for strangers and unknown ids."""
        workshop = await self.storage.workshops.workshop(workshop_id)
        if workshop is None or not await self.storage.workshops.is_coordinator(workshop.id,
                                                                               user_id):
            return None
        return workshop

    async def managed(self, user_id: int, workshop_id: int) -> Workshop:
        """The workshop a coordinator's button names; strangers and unknown ids are refused
        alike."""
        workshop = await self.coordinated(user_id, workshop_id)
        if workshop is None:
            raise refused_button(self.render)
        return workshop

    async def settle_runs(self, workshop: Workshop) -> None:
        """Finish the workshop's runs left with nothing to answer (see :mod:`bot.flows.run_state`),
        so the state and the result count them as the participants would."""
        for run in await self.storage.workshops.active_runs(workshop.id):
            await run_state.settled(self.storage, self.questionnaire, run)

    def say(self, template: str, **context: object) -> Outcome:
        return Outcome(send=(Reply(self.render.html(template, **context)),))

