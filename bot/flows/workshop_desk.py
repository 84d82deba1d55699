"""The workshop conversation: coordinators set up and run a workshop, participants join it.

Like :class:`~bot.flows.selfcheck.SelfCheck`, every public method takes what a
channel decoded and returns an :class:`~bot.flows.outcome.Outcome`; nothing here
knows a channel. Participants answer the statements through the ordinary
self-check (their run carries the workshop and its field selection), so this
module only covers joining, choosing a perspective, and everything the
coordinators do.

Authorisation: every management button names a workshop id, and anybody can
forge one, so each tap checks that the person coordinates that workshop
(deleting: that they created it). A stranger's tap gets the same polite
refusal as a workshop that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.disclosure import DEFAULT_MIN_GROUP
from bot.domain.entities import Awaited, Draft, Participant, PendingInput, Release, Workshop
from bot.domain.names import NAME_MAX_LENGTH, NAME_MIN_LENGTH, municipality_name, printable
from bot.domain.next_steps import LIMITS as STEP_LIMITS
from bot.domain.next_steps import MOST_STEPS, free_position, parse_step
from bot.domain.questionnaire import Field, Questionnaire
from bot.domain.release_noise import MAX_INTERIM_RELEASES, Noise
from bot.domain.workshop import (
    FURTHER,
    OVERALL,
    PERSPECTIVES,
    Response,
    WorkshopResult,
    aggregate,
    answer_minutes,
    counted,
    form_groups,
    new_token,
    progress,
)
from bot.domain.workshop_release import (
    FINAL,
    INTERIM,
    Changes,
    Marker,
    from_snapshot,
    markers_of,
    short_of_release,
    snapshot,
)
from bot.flows import run_state
from bot.flows.actions import (
    ChangePerspective,
    ChoosePerspective,
    ConfirmWorkshop,
    DraftField,
    DraftStep,
    EditNextStep,
    ManageWorkshop,
    RemoveCoordinator,
    RemoveNextStep,
    ShowResults,
)
from bot.flows.invitations import (
    CoordinatorInvitation,
    Invitation,
    InvitationLink,
    ManagementLink,
    WorkshopInvitation,
)
from bot.flows.outcome import (
    Broadcast,
    BroadcastReport,
    Button,
    Document,
    Keyboard,
    Message,
    Outcome,
    Photo,
    Reply,
)
from bot.flows.refusals import invalid_button
from bot.flows.results_view import LOCAL_TIME, german_date, local_date
from bot.flows.selfcheck import SelfCheck
from bot.flows.work_quota import WorkQuota
from bot.output.chart import PRINT_DPI
from bot.output.chart import draw as draw_chart
from bot.output.comparison_chart import PROJECTOR_DPI, comparison_chart, draw_comparison
from bot.output.qr import qr_png
from bot.output.render import Renderer
from bot.output.workers import in_drawing_process, in_print_process
from bot.output.workshop_export import csv_filename, result_csv, slug
from bot.output.workshop_report import (
    COMPARISON,
    WorkshopReport,
    perspective_charts,
    print_workshop_report,
    report_filename,
)
from bot.store.storage import Storage

NAME_LENGTH = (NAME_MIN_LENGTH, NAME_MAX_LENGTH)  # a municipality's name (bot/domain/names.py)
REMINDER_PAUSE = timedelta(minutes=10)  # at most one reminder in this time
DIALOGUE_SHOWN = 5                     # topics for dialogue in the chat (all in the CSV)
UNJUDGED_SHOWN = 10                    # "could not judge" statements in the chat
# A release as it would be now: its result, what changed since the last release, that
# release, and the responses the result is made of (see WorkshopDesk._draft_release).
Drafted = tuple[WorkshopResult, Changes | None, Release | None, list[Response]]


class WorkshopDesk:
    """Setting up, coordinating and joining workshops.

    ``selfcheck`` starts and continues a participant's run (they answer in the
    ordinary self-check); ``invitation_link`` turns an invitation into the
    channel's link; ``minimum`` is k, see :mod:`bot.domain.disclosure`.
    """

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 selfcheck: SelfCheck, invitation_link: InvitationLink,
                 management_link: ManagementLink | None = None, *,
                 minimum: int = DEFAULT_MIN_GROUP, noise: Noise | None = None) -> None:
        self.storage = storage
        self.minimum = minimum
        # The released numbers' noise: unpredictable unless a test sets it.
        self.noise: Noise = noise or random.SystemRandom()
        self.questionnaire = questionnaire
        self.render = renderer
        self.selfcheck = selfcheck
        self.invitation_link = invitation_link
        self.management_link = management_link
        self.labels = {key: renderer.text(f"workshop.perspective.{key}")
                       for key in (*PERSPECTIVES, FURTHER, OVERALL)}
        self.reports = WorkQuota()

    # --- setting a workshop up ---------------------------------------------------

    async def command(self, user_id: int, argument: str = "") -> Outcome:
        """/workshop [Kommune]: set one up for the named municipality, or list the person's."""
        if argument.strip():
            name = municipality_name(argument)
            if name is None:
                return Outcome(send=(Reply(self.render.html("workshop_name_invalid.html.j2",
                                                            limits=NAME_LENGTH)),))
            await self.storage.workshops.start_draft(user_id, name, self._all_field_ids())
            return Outcome(send=(self._field_choice(name, self._all_field_ids()),))
        workshops = await self.storage.workshops.coordinated_by(user_id)
        if workshops:
            return Outcome(send=(self._workshop_list(workshops),))
        return await self._ask_name(user_id)

    async def text(self, user_id: int, pending: PendingInput | None, text: str | None) -> Outcome | None:
        """A message that may be the awaited municipality name or next step; ``None`` if not."""
        if pending is None or not text:
            return None
        if (pending.awaited is Awaited.WORKSHOP_STEP and pending.workshop_id is not None
                and pending.position is not None):
            return await self._typed_step(user_id, pending.workshop_id, pending.position, text)
        if pending.awaited is not Awaited.WORKSHOP_NAME:
            return None
        draft = await self.storage.workshops.draft(user_id)
        if draft is None:
            return None
        name = municipality_name(text)
        if name is None:
            return Outcome(send=(Reply(self.render.html("workshop_name_invalid.html.j2",
                                                        limits=NAME_LENGTH)),))
        if not await self.storage.workshops.name_draft(user_id, name):
            return None
        return Outcome(send=(self._field_choice(name, draft.field_ids),))

    async def _ask_name(self, user_id: int) -> Outcome:
        await self.storage.workshops.start_draft(user_id, None, self._all_field_ids())
        keyboard = ((Button(self.render.text("workshop.button.drop"), DraftStep("drop")),),)
        return Outcome(send=(Reply(self.render.html("workshop_ask_name.html.j2"), keyboard),))

    async def draft_step(self, user_id: int, what: str) -> Outcome:
        """Setting a workshop up: a new one, dropping it, every field, or creating it."""
        if what == "new":
            return await self._ask_name(user_id)
        if what == "drop":
            await self.storage.workshops.drop_draft(user_id)
            return Outcome(edit=Reply(self.render.html("workshop_draft_dropped.html.j2")))
        draft = await self.storage.workshops.draft(user_id)
        if draft is None or draft.municipality is None:
            return self._draft_gone()
        if what == "all":
            await self.storage.workshops.set_draft_fields(user_id, self._all_field_ids())
            return Outcome(edit=self._field_choice(draft.municipality, self._all_field_ids()))
        return await self._create(user_id, draft)

    async def draft_field(self, user_id: int, field_id: str, select: bool) -> Outcome:
        """Select or deselect one field of the workshop being set up."""
        draft = await self.storage.workshops.draft(user_id)
        if draft is None or draft.municipality is None:
            return self._draft_gone()
        if self.questionnaire.field(field_id) is None:
            return invalid_button(self.render)
        chosen = (set(draft.field_ids) | {field_id} if select
                  else set(draft.field_ids) - {field_id})
        selection = tuple(f.id for f in self.questionnaire.fields if f.id in chosen)
        await self.storage.workshops.set_draft_fields(user_id, selection)
        return Outcome(edit=self._field_choice(draft.municipality, selection))

    def _draft_gone(self) -> Outcome:
        return Outcome(notice=self.render.text("workshop.notice.draft_gone"), alert=True,
                       clear_keyboard=True)

    async def _create(self, user_id: int, draft: Draft) -> Outcome:
        selected = self.questionnaire.select(draft.field_ids)
        if not selected:
            return Outcome(notice=self.render.text("workshop.notice.no_field"), alert=True)
        every_field = len(selected) == len(self.questionnaire.fields)
        workshop = await self.storage.workshops.create(
            user_id, new_token(), None if every_field else tuple(f.id for f in selected))
        if workshop is None:  # the same tap twice: the first one created it
            return Outcome(notice=self.render.text("workshop.notice.draft_gone"),
                           clear_keyboard=True)
        created = Reply(self.render.html("workshop_created.html.j2", workshop=workshop))
        return Outcome(edit=created,
                       send=(*self._invitation(workshop), await self._menu(workshop, user_id)))

    def _field_choice(self, municipality: str, field_ids: tuple[str, ...]) -> Reply:
        fields = self.questionnaire.fields
        selected = self.questionnaire.select(field_ids)
        rows: list[tuple[Button, ...]] = [
            (Button(self.render.text("workshop.button.field", field=f, chosen=f in selected,
                                     minutes=answer_minutes(len(f.statements))),
                    DraftField(f.id, select=f not in selected)),) for f in fields]
        rows.append((Button(self.render.text("workshop.button.all_fields"), DraftStep("all")),))
        rows.append((Button(self.render.text("workshop.button.create"), DraftStep("create")),
                     Button(self.render.text("workshop.button.drop"), DraftStep("drop"))))
        statements = sum(len(f.statements) for f in selected)
        text = self.render.html("workshop_fields.html.j2", municipality=municipality,
                                selected=selected, total=len(fields), statements=statements,
                                minutes=answer_minutes(statements), minimum=self.minimum)
        return Reply(text, tuple(rows))

    def _all_field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.questionnaire.fields)

    # --- coordinating ----------------------------------------------------------------

    async def manage(self, user_id: int, workshop_id: int, action: str) -> Outcome:
        """A coordinator's menu entry; strangers and unknown ids get the same refusal."""
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(self.render)
        owner = workshop.created_by == user_id
        match action:
            case "menu":
                return Outcome(edit=await self._menu(workshop, user_id))
            case "status":
                return Outcome(notice=self.render.text("workshop.notice.refreshed"),
                               edit=await self._status(workshop))
            case "result" | "csv" | "pdf":
                return await self._show_released(workshop, action, user_id)
            case "release":
                return await self._release_interim(workshop)
            case "remind":
                return await self._remind(workshop)
            case "steps":
                return Outcome(edit=await self._steps_view(workshop, user_id))
            case "invite" | "renew" | "cocoord":
                return await self._invite(workshop, user_id, action)
            case "browser" if self.management_link is not None:
                link = await self.management_link(user_id, workshop.id)
                return Outcome(send=(Reply(self.render.html("workshop_browser.html.j2",
                                                             workshop=workshop, link=link)),))
            case "delete" if not owner:
                return Outcome(notice=self.render.text("workshop.notice.owner_only"), alert=True)
            case "close" if not workshop.open:
                return Outcome(notice=self.render.text("workshop.notice.already_closed"),
                               edit=await self._menu(workshop, user_id))
            case "share":
                return await self._ask_share(workshop)
            case _:  # close, delete: ask first
                return Outcome(edit=self._question(workshop, action))

    async def _show_released(self, workshop: Workshop, action: str, user_id: int) -> Outcome:
        """The released result in the chat (with the comparison chart), as CSV or as PDF."""
        released = await self._released(workshop)
        if released is None:
            return self._not_released(workshop)
        if action == "csv":
            return Outcome(send=(await self._csv(workshop, *released),))
        if action == "pdf":
            if (wait := self.reports.take(user_id)) is not None:
                return Outcome(notice=self.render.text("workshop.notice.report_busy",
                                                       seconds=wait), alert=True)
            return Outcome(send=(await self._report(workshop, *released),))
        return Outcome(send=(await self._comparison(workshop, *released),
                             *self._result_replies(workshop, *released, "coordinators")))

    async def _invite(self, workshop: Workshop, user_id: int, action: str) -> Outcome:
        """Inviting people: participants (anybody coordinating), co-coordinators (the creator);
        a closed workshop takes nobody new."""
        if not workshop.open:
            return Outcome(notice=self.render.text("workshop.notice.already_closed"),
                           edit=await self._menu(workshop, user_id))
        if action == "invite":
            return Outcome(send=self._invitation(workshop))
        if action == "renew":
            return Outcome(edit=self._question(workshop, action))
        if workshop.created_by != user_id:
            return Outcome(notice=self.render.text("workshop.notice.owner_only_cocoord"),
                           alert=True)
        token = await self.storage.workshops.offer_coordinator_token(workshop.id, new_token())
        assert token is not None
        return Outcome(send=self._cocoord_invitation(
            workshop, token, again=workshop.coordinator_token is not None))

    async def _ask_share(self, workshop: Workshop) -> Outcome:
        if await self.storage.releases.latest(workshop.id) is None:
            return self._not_released(workshop)
        recipients = await self.storage.workshops.participant_ids(workshop.id)
        return Outcome(edit=self._question(workshop, "share", recipients=len(recipients)))

    def _question(self, workshop: Workshop, action: str, **context: object) -> Reply:
        keyboard = ((Button(self.render.text(f"workshop.button.yes_{action}"),
                            ConfirmWorkshop(action, workshop.id, workshop.revision)),),
                    (Button(self.render.text("workshop.button.no"),
                            ManageWorkshop("menu", workshop.id)),))
        return Reply(self.render.html(f"workshop_ask_{action}.html.j2", workshop=workshop,
                                      **context), keyboard)

    async def confirm(self, user_id: int, workshop_id: int, action: str,
                         revision: int) -> Outcome:
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(self.render)
        if action == "delete" and workshop.created_by != user_id:
            return Outcome(notice=self.render.text("workshop.notice.owner_only"), alert=True)

        async def stale() -> Outcome:
            """Refused: the tapped question was outdated by another change."""
            return Outcome(notice=self.render.text("workshop.notice.stale"), alert=True,
                           edit=await self._menu(workshop, user_id))

        match action:
            case "renew":
                if not await self.storage.workshops.renew_token(workshop.id, revision, new_token()):
                    return await stale()
                renewed = await self.storage.workshops.workshop(workshop.id)
                assert renewed is not None
                return Outcome(notice=self.render.text("workshop.notice.renewed"),
                               edit=await self._menu(renewed, user_id),
                               send=self._invitation(renewed))
            case "close":
                # Runs with nothing left to answer finish before the closing cancels the rest.
                await self._settle_runs(workshop)
                if not await self.storage.workshops.close(workshop.id, revision):
                    return await stale()
                closed = await self.storage.workshops.workshop(workshop.id)
                assert closed is not None
                await self._release(closed, FINAL, await self._draft_release(closed, final=True))
                return Outcome(notice=self.render.text("workshop.notice.closed"),
                               edit=await self._menu(closed, user_id))
            case "share":
                if not await self.storage.workshops.bump_revision(workshop.id, revision):
                    return await stale()
                return await self._share(workshop, user_id)
            case "cocoord":
                if not await self.storage.workshops.renew_coordinator_token(workshop.id, revision,
                                                                   new_token()):
                    return await stale()
                renewed = await self.storage.workshops.workshop(workshop.id)
                assert renewed is not None and renewed.coordinator_token is not None
                return Outcome(clear_keyboard=True, send=self._cocoord_invitation(
                    renewed, renewed.coordinator_token, again=False))
            case _:  # delete
                participants = tuple(await self.storage.workshops.participant_ids(workshop.id))
                if not await self.storage.workshops.delete(workshop.id, revision):
                    return await stale()
                told = Reply(self.render.html("workshop_deleted_notice.html.j2",
                                              workshop=workshop))
                return Outcome(edit=Reply(self.render.html("workshop_deleted.html.j2",
                                                           workshop=workshop)),
                               broadcast=self._broadcast(participants, (told,), workshop,
                                                         "workshop_deleted_told.html.j2")
                               if participants else None)

    async def _share(self, workshop: Workshop, user_id: int) -> Outcome:
        released = await self._released(workshop)
        if released is None:
            return self._not_released(workshop)
        recipients = tuple(await self.storage.workshops.participant_ids(workshop.id))
        replies = self._result_replies(workshop, *released, "participants")
        current = await self.storage.workshops.workshop(workshop.id)
        assert current is not None
        return Outcome(notice=self.render.text("workshop.notice.sending"),
                       edit=await self._menu(current, user_id),
                       broadcast=self._broadcast(recipients, replies, workshop,
                                                 "workshop_shared.html.j2"))

    def _reported(self, template: str, municipality: str,
                  report: BroadcastReport) -> tuple[Message, ...]:
        """Tell the coordinator how the sharing (the reminder, the deletion notice) went."""
        return (Reply(self.render.html(template, municipality=municipality, report=report)),)

    def _broadcast(self, recipients: tuple[int, ...], replies: tuple[Reply, ...],
                   workshop: Workshop, template: str) -> Broadcast:
        return Broadcast(recipients, replies,
                         reported=functools.partial(self._reported, template,
                                                    workshop.municipality))

    async def _remind(self, workshop: Workshop) -> Outcome:
        """A paced reminder to everyone not finished: once per ten minutes, whoever taps."""
        if not workshop.open:
            return Outcome(notice=self.render.text("workshop.notice.already_closed"))
        recipients = tuple(await self.storage.workshops.unfinished_participant_ids(workshop.id))
        if not recipients:
            return Outcome(notice=self.render.text("workshop.notice.reminder_nobody"),
                           alert=True)
        if not await self.storage.workshops.claim_reminder(workshop.id, REMINDER_PAUSE):
            return Outcome(notice=self.render.text(
                "workshop.notice.reminder_too_soon",
                minutes=int(REMINDER_PAUSE.total_seconds() // 60)), alert=True)
        reminder = Reply(self.render.html("workshop_reminder.html.j2", workshop=workshop))
        return Outcome(notice=self.render.text("workshop.notice.reminder_sending"),
                       broadcast=self._broadcast(recipients, (reminder,), workshop,
                                                 "workshop_reminded.html.j2"))

    # --- agreed next steps ------------------------------------------------------------------

    async def _steps_view(self, workshop: Workshop, user_id: int) -> Reply:
        steps = await self.storage.steps.of(workshop.id)
        earlier = await self.storage.steps.earlier(user_id, workshop)
        text = self.render.html(
            "workshop_steps.html.j2", workshop=workshop, steps=steps, most=MOST_STEPS,
            earlier=earlier is not None, earlier_steps=earlier[1] if earlier else (),
            earlier_opened=german_date(local_date(earlier[0].created_at)) if earlier else None)
        rows: list[tuple[Button, ...]] = [
            (Button(self.render.text("workshop.button.step_edit", position=step.position),
                    EditNextStep(workshop.id, step.position)),
             Button(self.render.text("workshop.button.step_remove", position=step.position),
                    RemoveNextStep(workshop.id, step.position))) for step in steps]
        if len(steps) < MOST_STEPS:
            rows.append((Button(self.render.text("workshop.button.step_new"),
                                EditNextStep(workshop.id, None)),))
        rows.append((Button(self.render.text("workshop.button.back_to_menu"),
                            ManageWorkshop("menu", workshop.id)),))
        return Reply(text, tuple(rows))

    async def ask_step(self, user_id: int, workshop_id: int, position: int | None) -> Outcome:
        """Wait for the step typed next (``None``: a new one); it replaces whatever else the
        bot waited for (see :meth:`bot.store.people.People.await_input`)."""
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(self.render)
        if position is None:
            position = free_position({s.position for s in await self.storage.steps.of(workshop.id)})
            if position is None:
                return Outcome(notice=self.render.text("workshop.notice.steps_full"), alert=True)
        await self.storage.people.await_input(user_id, Awaited.WORKSHOP_STEP,
                                              workshop_id=workshop.id, position=position)
        return Outcome(send=(Reply(self.render.html("workshop_step_prompt.html.j2",
                                                    workshop=workshop, position=position)),))

    async def _typed_step(self, user_id: int, workshop_id: int, position: int,
                          text: str) -> Outcome | None:
        """The awaited step; ``None`` if the person no longer coordinates that workshop."""
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            await self.storage.people.stop_awaiting(user_id, Awaited.WORKSHOP_STEP)
            return None
        step = parse_step(text)
        if step is None:
            return self._say("workshop_step_invalid.html.j2", limits=STEP_LIMITS)
        await self.storage.steps.save(user_id, workshop.id, position, step.what, step.who,
                                      step.due)
        return Outcome(send=(await self._steps_view(workshop, user_id),))

    async def remove_step(self, user_id: int, workshop_id: int, position: int) -> Outcome:
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(self.render)
        removed = await self.storage.steps.remove(workshop.id, position)
        return Outcome(notice=self.render.text("workshop.notice.step_removed" if removed
                                               else "workshop.notice.step_gone"),
                       edit=await self._steps_view(workshop, user_id))

    async def remove_coordinator(self, user_id: int, workshop_id: int, target: int) -> Outcome:
        """The creator ends a co-coordination; anybody else is refused like a stranger."""
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(self.render)
        if workshop.created_by != user_id:
            return Outcome(notice=self.render.text("workshop.notice.owner_only_cocoord"),
                           alert=True)
        removed = await self.storage.workshops.remove_co_coordinator(workshop.id, target)
        notice = "workshop.notice.cocoord_removed" if removed else "workshop.notice.cocoord_gone"
        return Outcome(notice=self.render.text(notice), edit=await self._menu(workshop, user_id))

    async def _managed(self, user_id: int, workshop_id: int) -> Workshop | None:
        """The workshop if the person coordinates it; ``None`` for strangers and unknown ids."""
        workshop = await self.storage.workshops.workshop(workshop_id)
        if workshop is None or not await self.storage.workshops.is_coordinator(workshop.id, user_id):
            return None
        return workshop

    # --- what coordinators see ----------------------------------------------------------

    def _workshop_list(self, workshops: list[Workshop]) -> Reply:
        rows = tuple((Button(self.render.text("workshop.button.open_menu", workshop=w),
                             ManageWorkshop("menu", w.id)),) for w in workshops)
        new = ((Button(self.render.text("workshop.button.new"), DraftStep("new")),),)
        return Reply(self.render.html("workshop_list.html.j2", workshops=workshops), rows + new)

    async def _settle_runs(self, workshop: Workshop) -> None:
        """Finish the workshop's runs left with nothing to answer (see :mod:`bot.flows.run_state`),
        so the state and the result count them as the participants would."""
        for run in await self.storage.workshops.active_runs(workshop.id):
            await run_state.settled(self.storage, self.questionnaire, run)

    async def _menu(self, workshop: Workshop, user_id: int) -> Reply:
        await self._settle_runs(workshop)
        state = progress(await self.storage.workshops.progress(workshop.id))
        owner = workshop.created_by == user_id
        co = await self.storage.workshops.co_coordinators(workshop.id) if owner else []
        since = [self._moment(added_at) for _, added_at in co]
        text = self.render.html("workshop_menu.html.j2", workshop=workshop, progress=state,
                                fields=self._fields(workshop),
                                every_field=workshop.field_ids is None,
                                coordinators=await self.storage.workshops.coordinator_count(workshop.id),
                                co_since=since)
        removals = tuple((Button(self.render.text("workshop.button.remove_cocoord", since=when),
                                 RemoveCoordinator(workshop.id, person)),)
                         for (person, _), when in zip(co, since))
        return Reply(text, self._menu_keyboard(workshop, owner=owner) + removals)

    @staticmethod
    def _moment(timestamp: str) -> str:
        """"25.11.2026, 14:03": when something happened, on the Berlin clock."""
        local = datetime.fromisoformat(timestamp).astimezone(LOCAL_TIME)
        return local.strftime("%d.%m.%Y, %H:%M")

    def _menu_keyboard(self, workshop: Workshop, *, owner: bool) -> Keyboard:
        def button(action: str) -> Button:
            return Button(self.render.text(f"workshop.button.{action}"),
                          ManageWorkshop(action, workshop.id))

        rows: list[tuple[Button, ...]] = [(button("status"), button("result"))]
        if workshop.open:  # a closed workshop takes nobody new
            rows.append((button("invite"), button("renew")))
            if owner:
                rows.append((button("cocoord"),))
        rows += [(button("csv"), button("pdf")), (button("share"), button("steps"))]
        if self.management_link is not None:
            rows.append((button("browser"),))
        if workshop.open:
            rows.append((button("close"),))
        if owner:
            rows.append((button("delete"),))
        return tuple(rows)

    async def _status(self, workshop: Workshop) -> Reply:
        draft, changes, latest, responses = await self._draft_release(workshop)  # settles first
        state = progress(await self.storage.workshops.progress(workshop.id))
        joined = {row.perspective: row.joined for row in state.rows if row.perspective}
        planned = form_groups(joined, self.minimum)
        pooled = next((g.perspectives for g in planned if g.key == FURTHER), ())
        alone = {p for g in planned if g.key != FURTHER for p in g.perspectives}
        text = self.render.html(
            "workshop_status.html.j2", workshop=workshop, progress=state, labels=self.labels,
            minimum=self.minimum, pooled=pooled, alone=alone,
            completed=Counter(r.perspective for r in counted(self._fields(workshop), responses)),
            latest=latest, short=short_of_release(draft, changes) if workshop.open else ())
        keyboard: list[tuple[Button, ...]] = [
            (Button(self.render.text("workshop.button.refresh"),
                    ManageWorkshop("status", workshop.id)),
             Button(self.render.text("workshop.button.result"),
                    ManageWorkshop("result", workshop.id)))]
        if workshop.open:
            keyboard.append((Button(self.render.text("workshop.button.release"),
                                    ManageWorkshop("release", workshop.id)),
                             Button(self.render.text("workshop.button.remind"),
                                    ManageWorkshop("remind", workshop.id))))
        keyboard.append((Button(self.render.text("workshop.button.back_to_menu"),
                                ManageWorkshop("menu", workshop.id)),))
        return Reply(text, tuple(keyboard))

    # --- released results: the only result anybody sees ---------------------------------

    async def _responses(self, workshop: Workshop) -> list[Response]:
        return [Response(c.perspective, c.answers, person=c.user_id, coordinator=c.coordinator)
                for c in await self.storage.releases.contributions(workshop.id)]

    async def _draft_release(self, workshop: Workshop, *, final: bool = False) -> Drafted:
        """What a release now would show, what changed since the last one, that one, and
        the responses it is made of (read once, so that its markers match it exactly).

        Only the closing release shows statements (see :mod:`bot.domain.release_noise`)."""
        await self._settle_runs(workshop)
        fields = self._fields(workshop)
        responses = await self._responses(workshop)
        latest = await self.storage.releases.latest(workshop.id)
        changes = None
        if latest is not None:
            previous = from_snapshot(latest.result, fields, self.questionnaire.scale)
            markers = [Marker(*row) for row in await self.storage.releases.markers(latest.id)]
            changes = Changes(fields, responses, markers, previous)
        result = aggregate(fields, self.questionnaire.scale, responses, self.minimum, changes,
                           noise=self.noise, statements=final)
        return result, changes, latest, responses

    async def _release(self, workshop: Workshop, kind: str, drafted: Drafted) -> bool:
        """Store the release as drafted, so that what the caller checked is what is saved;
        False if there is nothing to release."""
        result, _, latest, responses = drafted
        if not result.available:
            return False
        markers = [(m.person, m.perspective, m.statement_id, m.choice)
                   for m in markers_of(self._fields(workshop), responses)]
        return await self.storage.releases.save(workshop.id, latest.id if latest else None, kind,
                                               snapshot(result), markers)

    async def _release_interim(self, workshop: Workshop) -> Outcome:
        """A release while answering goes on: only with ``k`` new people in every shown group."""
        if not workshop.open:
            return Outcome(notice=self.render.text("workshop.notice.already_closed"))
        drafted = await self._draft_release(workshop)
        draft, changes, latest, _ = drafted
        if latest is not None and latest.number >= MAX_INTERIM_RELEASES:
            return Outcome(notice=self.render.text("workshop.notice.release_limit",
                                                   most=MAX_INTERIM_RELEASES), alert=True)
        if short_of_release(draft, changes) or not await self._release(workshop, INTERIM,
                                                                        drafted):
            return Outcome(notice=self.render.text("workshop.notice.release_refused",
                                                   minimum=self.minimum), alert=True,
                           edit=await self._status(workshop))
        released = await self._released(workshop)
        assert released is not None
        return Outcome(notice=self.render.text("workshop.notice.released"),
                       edit=await self._status(workshop),
                       send=(await self._comparison(workshop, *released),
                             *self._result_replies(workshop, *released, "coordinators")))

    async def _released(self, workshop: Workshop) -> tuple[Release, WorkshopResult] | None:
        latest = await self.storage.releases.latest(workshop.id)
        if latest is None:
            return None
        return latest, from_snapshot(latest.result, self._fields(workshop),
                                     self.questionnaire.scale)

    def _not_released(self, workshop: Workshop) -> Outcome:
        """Nothing released yet – or never, if the workshop closed with fewer than k."""
        key = "result_not_released" if workshop.open else "result_never_released"
        return Outcome(notice=self.render.text(f"workshop.notice.{key}", minimum=self.minimum),
                       alert=True)

    async def _comparison(self, workshop: Workshop, release: Release,
                          result: WorkshopResult) -> Photo:
        """The perspectives side by side in one chart, sized for a projector."""
        chart = comparison_chart(result, self.questionnaire.scale, self.render, self.labels)
        png = await in_drawing_process(draw_comparison, chart)
        caption = self.render.html("workshop_chart_caption.html.j2", workshop=workshop,
                                   release=release,
                                   released=german_date(local_date(release.released_at)))
        return Photo(png, self.render.text("workshop.chart.filename",
                                           name=slug(workshop.municipality)), caption)

    def _result_replies(self, workshop: Workshop, release: Release, result: WorkshopResult,
                        audience: str) -> tuple[Reply, ...]:
        parts = self.render.html_parts(
            "workshop_result.html.j2", workshop=workshop, result=result, audience=audience,
            release=release, released=german_date(local_date(release.released_at)),
            labels=self.labels, scale=self.questionnaire.scale, minimum=result.minimum,
            dialogue=result.dialogue[:DIALOGUE_SHOWN],
            more_dialogue=len(result.dialogue) > DIALOGUE_SHOWN,
            unjudged=result.unjudged[:UNJUDGED_SHOWN],
            more_unjudged=len(result.unjudged) > UNJUDGED_SHOWN)
        return tuple(Reply(part) for part in parts)

    async def _csv(self, workshop: Workshop, release: Release,
                   result: WorkshopResult) -> Document:
        content = result_csv(result, self.questionnaire.scale, self.render, self.labels,
                             await self.storage.steps.of(workshop.id))
        caption = self.render.html("workshop_csv_caption.html.j2", workshop=workshop,
                                   result=result, release=release,
                                   released=german_date(local_date(release.released_at)))
        return Document(content, csv_filename(workshop.municipality, self.render), caption)

    async def _report(self, workshop: Workshop, release: Release,
                      result: WorkshopResult) -> Document:
        """The printable report with a chart per perspective (see :mod:`bot.output.workshop_report`)."""
        report = WorkshopReport(
            workshop=replace(workshop, municipality=printable(workshop.municipality)),
            result=result, release=release,
            steps=tuple(await self.storage.steps.of(workshop.id)),
            released=german_date(local_date(release.released_at)),
            charts=perspective_charts(result, self.questionnaire.scale, self.render),
            labels=self.labels, scale=self.questionnaire.scale,
            every_field=workshop.field_ids is None,
            created=german_date(datetime.now(LOCAL_TIME).date()),
            opened=german_date(local_date(workshop.created_at)),
            closed=german_date(local_date(workshop.closed_at)) if workshop.closed_at else None)
        charts = {chart.key: await in_drawing_process(draw_chart, chart.chart, "png", PRINT_DPI)
                  for chart in report.charts}
        charts[COMPARISON] = await in_drawing_process(
            draw_comparison, comparison_chart(result, self.questionnaire.scale, self.render,
                                                self.labels), "png", PROJECTOR_DPI)
        pdf = await in_print_process(print_workshop_report, self.render, report, charts)
        caption = self.render.html("workshop_report_caption.html.j2", workshop=workshop,
                                   result=result, release=release)
        return Document(pdf, report_filename(workshop.municipality, self.render), caption)

    def _cocoord_invitation(self, workshop: Workshop, token: str, *,
                            again: bool) -> tuple[Reply, Reply]:
        """The note for the coordinator and the one-time link to forward.

        ``again``: the unused link from before, with a button to replace it
        (a confirmed change, so a repeated tap cannot void a link just sent).
        """
        keyboard: Keyboard = ()
        if again:
            keyboard = ((Button(self.render.text("reliability.cocoord_renew"),
                                ConfirmWorkshop("cocoord", workshop.id, workshop.revision)),),)
        note = Reply(self.render.html("workshop_cocoord_note.html.j2", workshop=workshop,
                                      again=again), keyboard)
        link = self.invitation_link(CoordinatorInvitation(token))
        return note, Reply(self.render.html("workshop_cocoord_invite.html.j2",
                                            workshop=workshop, link=link))

    def _invitation(self, workshop: Workshop) -> tuple[Reply, Photo]:
        """The message to forward, and the QR code of its link to project or print."""
        link = self.invitation_link(WorkshopInvitation(workshop.token))
        text = self.render.html("workshop_invitation.html.j2", workshop=workshop, link=link,
                                minimum=self.minimum)
        caption = self.render.html("workshop_qr_caption.html.j2", workshop=workshop)
        return Reply(text), Photo(qr_png(link), "einladung-qr.png", caption)

    def _fields(self, workshop: Workshop) -> tuple[Field, ...]:
        return self.questionnaire.select(workshop.field_ids)

    # --- links: joining as participant or co-coordinator --------------------------------

    async def open_link(self, user_id: int, invitation: Invitation) -> Outcome:
        """``/start <payload>``: the payload has been parsed and validated already."""
        match invitation:
            case WorkshopInvitation(token=token):
                workshop = await self.storage.workshops.by_token(token)
                if workshop is None:
                    return self._say("workshop_link_invalid.html.j2")
                return await self._join(user_id, workshop)
            case CoordinatorInvitation(token=token):
                workshop = await self.storage.workshops.by_coordinator_token(token)
                if workshop is None:
                    return self._say("workshop_cocoord_invalid.html.j2")
                return await self._become_coordinator(user_id, workshop, token)

    async def _join(self, user_id: int, workshop: Workshop) -> Outcome:
        if not workshop.open:
            return self._say("workshop_closed.html.j2", workshop=workshop)
        participant = await self.storage.workshops.participant(workshop.id, user_id)
        if participant is None or participant.perspective is None:
            await self.storage.workshops.join(workshop.id, user_id)
            return Outcome(send=(await self._perspective_choice(user_id, workshop),))
        return await self._continue(user_id, workshop)

    async def _perspective_choice(self, user_id: int, workshop: Workshop) -> Reply:
        fields = self._fields(workshop)
        personal = await self.storage.runs.active_run(user_id)
        total = sum(len(f.statements) for f in fields)
        text = self.render.html("workshop_join.html.j2", workshop=workshop, fields=fields,
                                every_field=workshop.field_ids is None, total=total,
                                minutes=answer_minutes(total),
                                personal_open=personal is not None, minimum=self.minimum,
                                coordinator=await self.storage.workshops.is_coordinator(workshop.id,
                                                                              user_id))
        keyboard = tuple((Button(self.labels[p], ChoosePerspective(workshop.id, p)),)
                         for p in PERSPECTIVES)
        return Reply(text, keyboard)

    async def _taking_part(self, user_id: int,
                           workshop_id: int) -> tuple[Workshop, Participant] | Outcome:
        """The open workshop the person takes part in, else the refusal to show instead."""
        workshop = await self.storage.workshops.workshop(workshop_id)
        participant = await self.storage.workshops.participant(workshop_id, user_id)
        if workshop is None or participant is None:
            return invalid_button(self.render)
        if not workshop.open:
            return Outcome(notice=self.render.text("workshop.notice.closed_for_answers"),
                           alert=True, clear_keyboard=True)
        return workshop, participant

    async def choose_perspective(self, user_id: int, workshop_id: int, perspective: str) -> Outcome:
        taking_part = await self._taking_part(user_id, workshop_id)
        if isinstance(taking_part, Outcome):
            return taking_part
        workshop, _ = taking_part
        if not await self.storage.workshops.choose_perspective(workshop.id, user_id, perspective):
            current = await self.storage.workshops.participant(workshop_id, user_id)
            assert current is not None and current.perspective is not None
            if current.perspective != perspective:
                return Outcome(notice=self.render.text(
                    "workshop.notice.perspective_taken",
                    perspective=self.labels[current.perspective]), alert=True,
                    clear_keyboard=True)
            # The same choice again (a double tap, a repeated update): the run
            # is already under way in the chat, and a second copy would confuse.
            return Outcome(notice=self.render.text("reliability.perspective_saved"),
                           clear_keyboard=True)
        continued = await self._continue(user_id, workshop)
        chosen = Reply(self.render.html("workshop_perspective_chosen.html.j2", workshop=workshop,
                                        perspective=self.labels[perspective]),
                       ((Button(self.render.text("workshop.button.change_perspective"),
                                ChangePerspective(workshop.id)),),))
        return Outcome(edit=chosen, send=continued.send)

    async def change_perspective(self, user_id: int, workshop_id: int) -> Outcome:
        """A perspective chosen by mistake: chosen again, as long as nothing is answered."""
        taking_part = await self._taking_part(user_id, workshop_id)
        if isinstance(taking_part, Outcome):
            return taking_part
        workshop, participant = taking_part
        if participant.perspective is None:  # a repeated tap: the choice is already shown
            return Outcome(edit=await self._perspective_choice(user_id, workshop))
        if not await self.storage.workshops.reset_perspective(workshop.id, user_id):
            return Outcome(notice=self.render.text("workshop.notice.perspective_fixed"),
                           alert=True, clear_keyboard=True)
        return Outcome(edit=await self._perspective_choice(user_id, workshop))

    async def _continue(self, user_id: int, workshop: Workshop) -> Outcome:
        """A participant with a perspective: their open workshop run, a new one, or "done"."""
        # Settled like every run: one left with nothing to answer after a
        # questionnaire update counts as finished.
        run = await run_state.settled_active_run(self.storage, self.questionnaire, user_id,
                                                 workshop.id)
        if run is not None:
            return await self.selfcheck.continue_run(user_id, run.id)
        finished = await self.storage.runs.finished_runs(user_id, workshop.id)
        if not finished:
            started = await self.storage.runs.start_run(user_id, workshop.field_ids, workshop.id)
            run = await run_state.settled(self.storage, self.questionnaire, started)
            if run.active:
                return Outcome(send=(await self.selfcheck.statement_message(run),))
            finished = [run]  # nothing to answer in it: it settled as finished right away
        keyboard = ((Button(self.render.text("workshop.button.own_result"),
                            ShowResults(finished[0].id)),),)
        return Outcome(send=(Reply(self.render.html("workshop_already_done.html.j2",
                                                    workshop=workshop), keyboard),))

    async def _become_coordinator(self, user_id: int, workshop: Workshop, token: str) -> Outcome:
        if await self.storage.workshops.is_coordinator(workshop.id, user_id):
            note = Reply(self.render.html("workshop_cocoord_already.html.j2", workshop=workshop))
            return Outcome(send=(note, await self._menu(workshop, user_id)))
        if not await self.storage.workshops.redeem_coordinator_token(workshop.id, token, user_id):
            return self._say("workshop_cocoord_invalid.html.j2")
        note = Reply(self.render.html("workshop_cocoord_welcome.html.j2", workshop=workshop))
        return Outcome(send=(note, await self._menu(workshop, user_id)))

    # --- small helpers ---------------------------------------------------------------------

    def _say(self, template: str, **context: object) -> Outcome:
        return Outcome(send=(Reply(self.render.html(template, **context)),))
