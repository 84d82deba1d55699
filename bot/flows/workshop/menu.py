"""What coordinators see: their workshops, a workshop's menu and state, questions, invitations."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from bot.domain.entities import Workshop
from bot.domain.workshop import FURTHER, counted, form_groups, progress
from bot.domain.workshop_release import short_of_release
from bot.flows.actions import ConfirmWorkshop, DraftStep, ManageWorkshop, RemoveCoordinator
from bot.flows.invitations import WorkshopInvitation
from bot.flows.outcome import Button, Confirmation, Keyboard, Photo, Reply
from bot.flows.results_view import LOCAL_TIME
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.releases import Releases
from bot.output.languages import shown_moment
from bot.output.qr import qr_png


class Menu:
    def __init__(self, desk: Desk, releases: Releases) -> None:
        self.desk = desk
        self.releases = releases

    def workshop_list(self, workshops: list[Workshop]) -> Reply:
        render = self.desk.render
        rows = tuple((Button(render.text("workshop.button.open_menu", workshop=w),
                             ManageWorkshop("menu", w.id)),) for w in workshops)
        new = ((Button(render.text("workshop.button.new"), DraftStep("new")),),)
        return Reply(render.html("workshop_list.html.j2", workshops=workshops), rows + new)

    async def menu(self, workshop: Workshop, user_id: int) -> Reply:
        desk, workshops = self.desk, self.desk.storage.workshops
        await desk.settle_runs(workshop)
        state = progress(await workshops.progress(workshop.id))
        owner = workshop.created_by == user_id
        co = await workshops.co_coordinators(workshop.id) if owner else []
        since = [self._moment(added_at) for _, added_at in co]
        text = desk.render.html("workshop_menu.html.j2", workshop=workshop, progress=state,
                                fields=desk.fields(workshop),
                                every_field=workshop.field_ids is None,
                                grouping=workshop.grouping.mode,
                                coordinators=await workshops.coordinator_count(workshop.id),
                                co_since=since, local_link=desk.local_link(workshop))
        removals = tuple((Button(desk.render.text("workshop.button.remove_cocoord", since=when),
                                 RemoveCoordinator(workshop.id, person)),)
                         for (person, _), when in zip(co, since))
        return Reply(text, self._menu_keyboard(workshop, owner=owner) + removals)

    @staticmethod
    def _moment(timestamp: str) -> str:
        """"25.11.2026, 14:03": when something happened, on the Berlin clock."""
        return shown_moment(datetime.fromisoformat(timestamp).astimezone(LOCAL_TIME))

    def _menu_keyboard(self, workshop: Workshop, *, owner: bool) -> Keyboard:
        def button(action: str) -> Button:
            return Button(self.desk.render.text(f"workshop.button.{action}"),
                          ManageWorkshop(action, workshop.id))

        rows: list[tuple[Button, ...]] = [(button("status"), button("result"))]
        if workshop.open:  # a closed workshop takes nobody new
            rows.append((button("invite"), button("renew")))
            if owner:
                rows.append((button("cocoord"),))
        rows += [(button("csv"), button("pdf")), (button("xlsx"), button("ods")),
                 (button("share"), button("steps")), (button("reference"), button("dialogue")),
                 (button("paper"),)]
        if self.desk.management_link is not None:
            rows.append((button("browser"),))
        if workshop.open:
            rows.append((button("close"),))
        if owner:
            rows.append((button("delete"),))
        return tuple(rows)

    async def status(self, workshop: Workshop) -> Reply:
        desk = self.desk
        drafted = await self.releases.draft(workshop)  # settles first
        state = progress(await desk.storage.workshops.progress(workshop.id))
        joined = {row.perspective: row.joined for row in state.rows if row.perspective}
        planned = form_groups(joined, desk.minimum, workshop.grouping)
        pooled = next((g.perspectives for g in planned if g.key == FURTHER), ())
        alone = {p for g in planned if g.key != FURTHER for p in g.perspectives}
        units = workshop.grouping.units()
        own = {key for key, members in units if members == (key,)}  # perspectives on their own
        sectors = [(key, members, sum(joined.get(p, 0) for p in members))
                   for key, members in units if key not in own]
        completed = Counter(r.perspective for r in counted(desk.fields(workshop),
                                                           drafted.responses))
        text = desk.render.html(
            "workshop_status.html.j2", workshop=workshop, progress=state, labels=desk.labels,
            minimum=desk.minimum, pooled=pooled, alone=alone, completed=completed,
            own=own, sectors=sectors,
            latest=drafted.latest,
            short=short_of_release(drafted.result, drafted.changes) if workshop.open else ())
        keyboard: list[tuple[Button, ...]] = [
            (Button(desk.render.text("workshop.button.refresh"),
                    ManageWorkshop("status", workshop.id)),
             Button(desk.render.text("workshop.button.result"),
                    ManageWorkshop("result", workshop.id)))]
        if workshop.open:
            keyboard.append((Button(desk.render.text("workshop.button.release"),
                                    ManageWorkshop("release", workshop.id)),
                             Button(desk.render.text("workshop.button.remind"),
                                    ManageWorkshop("remind", workshop.id))))
        keyboard.append((Button(desk.render.text("workshop.button.back_to_menu"),
                                ManageWorkshop("menu", workshop.id)),))
        return Reply(text, tuple(keyboard))

    def question(self, workshop: Workshop, action: str, **context: object) -> Reply:
        """"Really?" before a change, with a yes at the workshop's revision, and a no."""
        render = self.desk.render
        confirmation = Confirmation(
            Button(render.text(f"workshop.button.yes_{action}"),
                   ConfirmWorkshop(action, workshop.id, workshop.revision)),
            Button(render.text("workshop.button.no"), ManageWorkshop("menu", workshop.id)))
        return Reply(render.html(f"workshop_ask_{action}.html.j2", workshop=workshop,
                                 **context), confirmation.keyboard, asks=confirmation)

    def invitation(self, workshop: Workshop) -> tuple[Reply, Photo]:
        """The message to forward, and the QR code of its browser address to project or print.

        One text for both channels: the browser address always, which any phone opens
        without an app, and the Telegram link beside it where the bot runs.
        """
        desk = self.desk
        invitation = WorkshopInvitation(workshop.token)
        link = desk.invitation_link(invitation)
        text = desk.render.html("workshop_invitation.html.j2", workshop=workshop, link=link,
                                minimum=desk.minimum, telegram_link=desk.telegram(invitation))
        caption = desk.render.html("workshop_qr_caption.html.j2", workshop=workshop)
        return Reply(text), Photo(qr_png(link), "einladung-qr.png", caption)
