"""A coordinator's menu entries and the changes they confirm: releasing, sharing, reminding,
closing, deleting."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

from bot.domain.entities import Workshop
from bot.domain.release_noise import MAX_INTERIM_RELEASES
from bot.domain.workshop import new_token
from bot.domain.workshop_release import FINAL, INTERIM, short_of_release
from bot.flows.outcome import Broadcast, BroadcastReport, Message, Outcome, Reply
from bot.flows.workshop.agreed_steps import AgreedSteps
from bot.flows.workshop.co_coordinators import CoCoordinators
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.documents import Documents
from bot.flows.workshop.menu import Menu
from bot.flows.workshop.paper import Paper
from bot.flows.workshop.releases import Releases

REMINDER_PAUSE = timedelta(minutes=10)  # at most one reminder in this time


class Coordination:
    def __init__(self, desk: Desk, menu: Menu, releases: Releases, documents: Documents,
                 steps: AgreedSteps, co_coordinators: CoCoordinators, paper: Paper) -> None:
        self.desk = desk
        self.paper = paper
        self.menu = menu
        self.releases = releases
        self.documents = documents
        self.steps = steps
        self.co_coordinators = co_coordinators

    async def manage(self, user_id: int, workshop_id: int, action: str) -> Outcome:
        """A coordinator's menu entry; strangers and unknown ids get the same refusal."""
        desk, render = self.desk, self.desk.render
        workshop = await desk.managed(user_id, workshop_id)
        owner = workshop.created_by == user_id
        match action:
            case "menu":
                return Outcome(edit=await self.menu.menu(workshop, user_id))
            case "status":
                return Outcome(notice=render.text("workshop.notice.refreshed"),
                               edit=await self.menu.status(workshop))
            case "result" | "csv" | "xlsx" | "ods" | "pdf" | "dialogue":
                return await self._show_released(workshop, action, user_id)
            case "paper":
                return Outcome(edit=await self.paper.overview(workshop))
            case "reference":
                return Outcome(edit=await self.releases.administration.view(workshop, user_id))
            case "release":
                return await self._release_interim(workshop)
            case "remind":
                return await self._remind(workshop)
            case "steps":
                return Outcome(edit=await self.steps.view(workshop, user_id))
            case "invite" | "renew" | "cocoord":
                return await self._invite(workshop, user_id, action)
            case "browser" if desk.management_link is not None:
                link = await desk.management_link(user_id, workshop.id)
                return desk.say("workshop_browser.html.j2", workshop=workshop, link=link)
            case "delete" if not owner:
                return Outcome(notice=render.text("workshop.notice.owner_only"), alert=True)
            case "close" if not workshop.open:
                return Outcome(notice=render.text("workshop.notice.already_closed"),
                               edit=await self.menu.menu(workshop, user_id))
            case "share":
                return await self._ask_share(workshop)
            case _:  # close, delete: ask first
                return Outcome(edit=self.menu.question(workshop, action))

    async def _show_released(self, workshop: Workshop, action: str, user_id: int) -> Outcome:
        """The released result in the chat (with the comparison chart), as CSV, XLSX, ODS or PDF."""
        released = await self.releases.released(workshop)
        if released is None:
            return self.releases.not_released(workshop)
        documents = self.documents
        if action == "csv":
            return Outcome(send=(await documents.csv(workshop, *released),))
        if action in ("xlsx", "ods"):
            return Outcome(send=(await documents.spreadsheet(workshop, *released, action),))
        if action == "dialogue":
            return Outcome(send=self.releases.dialogue_replies(workshop, *released))
        if action == "pdf":
            if (wait := documents.reports.take(user_id)) is not None:
                return Outcome(notice=self.desk.render.text("workshop.notice.report_busy",
                                                            seconds=wait), alert=True)
            return Outcome(send=(await documents.report(workshop, *released),))
        return Outcome(send=(await documents.comparison(workshop, *released),
                             *self.releases.result_replies(workshop, *released, "coordinators")))

    async def _invite(self, workshop: Workshop, user_id: int, action: str) -> Outcome:
        """Inviting people: participants (anybody coordinating), co-coordinators (the creator);
        a closed workshop takes nobody new."""
        if not workshop.open:
            return Outcome(notice=self.desk.render.text("workshop.notice.already_closed"),
                           edit=await self.menu.menu(workshop, user_id))
        if action == "invite":
            return Outcome(send=self.menu.invitation(workshop))
        if action == "renew":
            return Outcome(edit=self.menu.question(workshop, action))
        return await self.co_coordinators.offer(workshop, user_id)

    async def _ask_share(self, workshop: Workshop) -> Outcome:
        if await self.desk.storage.releases.latest(workshop.id) is None:
            return self.releases.not_released(workshop)
        recipients = await self.desk.storage.workshops.participant_ids(workshop.id)
        return Outcome(edit=self.menu.question(workshop, "share", recipients=len(recipients)))

    async def confirm(self, user_id: int, workshop_id: int, action: str,
                      revision: int) -> Outcome:
        desk, render, workshops = self.desk, self.desk.render, self.desk.storage.workshops
        workshop = await desk.managed(user_id, workshop_id)
        if action == "delete" and workshop.created_by != user_id:
            return Outcome(notice=render.text("workshop.notice.owner_only"), alert=True)

        async def stale() -> Outcome:
            """Refused: the tapped question was outdated by another change."""
            return Outcome(notice=render.text("workshop.notice.stale"), alert=True,
                           edit=await self.menu.menu(workshop, user_id))

        match action:
            case "renew":
                if not await workshops.renew_token(workshop.id, revision, new_token()):
                    return await stale()
                renewed = await workshops.workshop(workshop.id)
                assert renewed is not None
                return Outcome(notice=render.text("workshop.notice.renewed"),
                               edit=await self.menu.menu(renewed, user_id),
                               send=self.menu.invitation(renewed))
            case "close":
                # Runs with nothing left to answer finish before the closing cancels the rest.
                await desk.settle_runs(workshop)
                if not await workshops.close(workshop.id, revision):
                    return await stale()
                closed = await workshops.workshop(workshop.id)
                assert closed is not None
                await self.releases.store(closed, FINAL,
                                          await self.releases.draft(closed, final=True))
                return Outcome(notice=render.text("workshop.notice.closed"),
                               edit=await self.menu.menu(closed, user_id))
            case "share":
                if not await workshops.bump_revision(workshop.id, revision):
                    return await stale()
                return await self._share(workshop, user_id)
            case "cocoord":
                return await self.co_coordinators.renewed(workshop, revision) or await stale()
            case "reference":
                return (await self.releases.administration.place(workshop, user_id, revision)
                        or await stale())
            case "unreference":
                return (await self.releases.administration.withdraw(workshop, user_id, revision)
                        or await stale())
            case _:  # delete
                participants = tuple(await workshops.participant_ids(workshop.id))
                if not await workshops.delete(workshop.id, revision):
                    return await stale()
                def told() -> tuple[Reply, ...]:
                    return (Reply(render.html("workshop_deleted_notice.html.j2",
                                              workshop=workshop)),)
                return Outcome(edit=Reply(render.html("workshop_deleted.html.j2",
                                                      workshop=workshop)),
                               broadcast=self._broadcast(participants, told, workshop,
                                                         "workshop_deleted_told.html.j2")
                               if participants else None)

    async def _share(self, workshop: Workshop, user_id: int) -> Outcome:
        released = await self.releases.released(workshop)
        if released is None:
            return self.releases.not_released(workshop)
        workshops = self.desk.storage.workshops
        recipients = tuple(await workshops.participant_ids(workshop.id))
        replies = functools.partial(self.releases.result_replies, workshop, *released,
                                    "participants")
        current = await workshops.workshop(workshop.id)
        assert current is not None
        return Outcome(notice=self.desk.render.text("workshop.notice.sending"),
                       edit=await self.menu.menu(current, user_id),
                       broadcast=self._broadcast(recipients, replies, workshop,
                                                 "workshop_shared.html.j2"))

    def _reported(self, template: str, municipality: str,
                  report: BroadcastReport) -> tuple[Message, ...]:
        """Tell the coordinator how the sharing (the reminder, the deletion notice) went."""
        return (Reply(self.desk.render.html(template, municipality=municipality,
                                            report=report)),)

    def _broadcast(self, recipients: tuple[int, ...], replies: Callable[[], tuple[Reply, ...]],
                   workshop: Workshop, template: str) -> Broadcast:
        return Broadcast(recipients, replies,
                         reported=functools.partial(self._reported, template,
                                                    workshop.municipality))

    async def _remind(self, workshop: Workshop) -> Outcome:
        """A paced reminder to everyone not finished: once per ten minutes, whoever taps."""
        render, workshops = self.desk.render, self.desk.storage.workshops
        if not workshop.open:
            return Outcome(notice=render.text("workshop.notice.already_closed"))
        recipients = tuple(await workshops.unfinished_participant_ids(workshop.id))
        if not recipients:
            return Outcome(notice=render.text("workshop.notice.reminder_nobody"), alert=True)
        if not await workshops.claim_reminder(workshop.id, REMINDER_PAUSE):
            return Outcome(notice=render.text(
                "workshop.notice.reminder_too_soon",
                minutes=int(REMINDER_PAUSE.total_seconds() // 60)), alert=True)
        def reminder() -> tuple[Reply, ...]:
            return (Reply(render.html("workshop_reminder.html.j2", workshop=workshop)),)
        return Outcome(notice=render.text("workshop.notice.reminder_sending"),
                       broadcast=self._broadcast(recipients, reminder, workshop,
                                                 "workshop_reminded.html.j2"))

    async def _release_interim(self, workshop: Workshop) -> Outcome:
        """A release while answering goes on: only with ``k`` new people in every shown group,
        and at most ``MAX_INTERIM_RELEASES`` times (each draws the fields' noise anew)."""
        render, releases = self.desk.render, self.releases
        if not workshop.open:
            return Outcome(notice=render.text("workshop.notice.already_closed"))
        drafted = await releases.draft(workshop)
        if drafted.latest is not None and drafted.latest.number >= MAX_INTERIM_RELEASES:
            return Outcome(notice=render.text("workshop.notice.release_limit",
                                              most=MAX_INTERIM_RELEASES), alert=True)
        if (short_of_release(drafted.result, drafted.changes)
                or not await releases.store(workshop, INTERIM, drafted)):
            return Outcome(notice=render.text("workshop.notice.release_refused",
                                              minimum=self.desk.minimum), alert=True,
                           edit=await self.menu.status(workshop))
        released = await releases.released(workshop)
        assert released is not None
        return Outcome(notice=render.text("workshop.notice.released"),
                       edit=await self.menu.status(workshop),
                       send=(await self.documents.comparison(workshop, *released),
                             *releases.result_replies(workshop, *released, "coordinators")))
