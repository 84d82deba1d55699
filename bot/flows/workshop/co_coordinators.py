"""Co-coordinators: the creator invites them with a one-time link, and may end their part."""

from __future__ import annotations

from bot.domain.entities import Workshop
from bot.domain.workshop import new_token
from bot.flows.actions import ConfirmWorkshop
from bot.flows.invitations import CoordinatorInvitation
from bot.flows.outcome import Button, Keyboard, Outcome, Reply
from bot.flows.refusals import invalid_button
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.menu import Menu


class CoCoordinators:
    def __init__(self, desk: Desk, menu: Menu) -> None:
        self.desk = desk
        self.menu = menu

    async def offer(self, workshop: Workshop, user_id: int) -> Outcome:
        """The one-time link for a co-coordinator; only the creator may invite one."""
        desk = self.desk
        if workshop.created_by != user_id:
            return self._owner_only()
        token = await desk.storage.workshops.offer_coordinator_token(workshop.id, new_token())
        assert token is not None
        return Outcome(send=self._invitation(workshop, token,
                                             again=workshop.coordinator_token is not None))

    async def renewed(self, workshop: Workshop, revision: int) -> Outcome | None:
        """A new link in place of the unused one; ``None`` if the question was outdated."""
        workshops = self.desk.storage.workshops
        if not await workshops.renew_coordinator_token(workshop.id, revision, new_token()):
            return None
        renewed = await workshops.workshop(workshop.id)
        assert renewed is not None and renewed.coordinator_token is not None
        return Outcome(clear_keyboard=True, send=self._invitation(
            renewed, renewed.coordinator_token, again=False))

    async def join(self, user_id: int, workshop: Workshop, token: str) -> Outcome:
        """The link opened: the person coordinates from now on (once per link)."""
        desk = self.desk
        if await desk.storage.workshops.is_coordinator(workshop.id, user_id):
            note = Reply(desk.render.html("workshop_cocoord_already.html.j2", workshop=workshop))
            return Outcome(send=(note, await self.menu.menu(workshop, user_id)))
        if not await desk.storage.workshops.redeem_coordinator_token(workshop.id, token, user_id):
            return desk.say("workshop_cocoord_invalid.html.j2")
        note = Reply(desk.render.html("workshop_cocoord_welcome.html.j2", workshop=workshop))
        return Outcome(send=(note, await self.menu.menu(workshop, user_id)))

    async def remove(self, user_id: int, workshop_id: int, target: int) -> Outcome:
        """The creator ends a co-coordination; anybody else is refused like a stranger."""
        desk = self.desk
        workshop = await desk.managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(desk.render)
        if workshop.created_by != user_id:
            return self._owner_only()
        removed = await desk.storage.workshops.remove_co_coordinator(workshop.id, target)
        notice = "workshop.notice.cocoord_removed" if removed else "workshop.notice.cocoord_gone"
        return Outcome(notice=desk.render.text(notice),
                       edit=await self.menu.menu(workshop, user_id))

    def _owner_only(self) -> Outcome:
        return Outcome(notice=self.desk.render.text("workshop.notice.owner_only_cocoord"),
                       alert=True)

    def _invitation(self, workshop: Workshop, token: str, *, again: bool) -> tuple[Reply, Reply]:
        """The note for the coordinator and the one-time link to forward.

        ``again``: the unused link from before, with a button to replace it
        (a confirmed change, so a repeated tap cannot void a link just sent).
        """
        render = self.desk.render
        keyboard: Keyboard = ()
        if again:
            keyboard = ((Button(render.text("reliability.cocoord_renew"),
                                ConfirmWorkshop("cocoord", workshop.id, workshop.revision)),),)
        note = Reply(render.html("workshop_cocoord_note.html.j2", workshop=workshop,
                                 again=again), keyboard)
        link = self.desk.invitation_link(CoordinatorInvitation(token))
        return note, Reply(render.html("workshop_cocoord_invite.html.j2",
                                       workshop=workshop, link=link))
