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
from datetime import datetime, timedelta, timezone

from bot.domain.questionnaire import Field, Questionnaire
from bot.domain.workshop import (
    FURTHER,
    MIN_GROUP,
    OVERALL,
    PERSPECTIVES,
    Response,
    WorkshopResult,
    aggregate,
    new_token,
    progress,
)
from bot.flows import run_state
from bot.flows.actions import (
    ChoosePerspective,
    ConfirmWorkshop,
    DraftField,
    DraftStep,
    ManageWorkshop,
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
from bot.output.chart import PRINT_DPI
from bot.output.chart import draw as draw_chart
from bot.output.qr import qr_png
from bot.output.render import Renderer
from bot.output.workers import in_drawing_process, in_print_process
from bot.output.workshop_export import csv_filename, result_csv
from bot.output.workshop_report import (
    WorkshopReport,
    perspective_charts,
    print_workshop_report,
    report_filename,
)
from bot.store.storage import Draft, Storage, Workshop

NAME_LENGTH = (2, 80)                  # a municipality's name, after folding whitespace
NAME_WAIT = timedelta(hours=1)         # a message counts as the awaited name only this long
DIALOGUE_SHOWN = 5                     # topics for dialogue in the chat (all in the CSV)
UNJUDGED_SHOWN = 10                    # "could not judge" statements in the chat


class WorkshopDesk:
    """Setting up, coordinating and joining workshops.

    ``selfcheck`` starts and continues a participant's run (they answer in the
    ordinary self-check); ``invitation_link`` turns an invitation into the
    channel's link.
    """

    def __init__(self, storage: Storage, questionnaire: Questionnaire, renderer: Renderer,
                 selfcheck: SelfCheck, invitation_link: InvitationLink,
                 management_link: ManagementLink | None = None) -> None:
        self.storage = storage
        self.questionnaire = questionnaire
        self.render = renderer
        self.selfcheck = selfcheck
        self.invitation_link = invitation_link
        self.management_link = management_link
        self.labels = {key: renderer.text(f"workshop.perspective.{key}")
                       for key in (*PERSPECTIVES, FURTHER, OVERALL)}

    # --- setting a workshop up ---------------------------------------------------

    async def command(self, user_id: int, argument: str = "") -> Outcome:
        """/workshop [Kommune]: set one up for the named municipality, or list the person's."""
        if argument.strip():
            name = clean_name(argument)
            if name is None:
                return Outcome(send=(Reply(self.render.html("workshop_name_invalid.html.j2",
                                                            limits=NAME_LENGTH)),))
            await self.storage.start_draft(user_id, name, self._all_field_ids())
            return Outcome(send=(self._field_choice(name, self._all_field_ids()),))
        workshops = await self.storage.workshops_of(user_id)
        if workshops:
            return Outcome(send=(self._workshop_list(workshops),))
        return await self._ask_name(user_id)

    async def text(self, user_id: int, text: str | None) -> Outcome | None:
        """A message that may be the awaited municipality name; ``None`` if it is not."""
        draft = await self.storage.draft(user_id)
        if draft is None or draft.municipality is not None or not text or _expired(draft):
            return None
        name = clean_name(text)
        if name is None:
            return Outcome(send=(Reply(self.render.html("workshop_name_invalid.html.j2",
                                                        limits=NAME_LENGTH)),))
        if not await self.storage.name_draft(user_id, name):
            return None
        return Outcome(send=(self._field_choice(name, draft.field_ids),))

    async def _ask_name(self, user_id: int) -> Outcome:
        await self.storage.start_draft(user_id, None, self._all_field_ids())
        keyboard = ((Button(self.render.text("workshop.button.drop"), DraftStep("drop")),),)
        return Outcome(send=(Reply(self.render.html("workshop_ask_name.html.j2"), keyboard),))

    async def draft_step(self, user_id: int, what: str) -> Outcome:
        """Setting a workshop up: a new one, dropping it, every field, or creating it."""
        if what == "new":
            return await self._ask_name(user_id)
        if what == "drop":
            await self.storage.drop_draft(user_id)
            return Outcome(edit=Reply(self.render.html("workshop_draft_dropped.html.j2")))
        draft = await self.storage.draft(user_id)
        if draft is None or draft.municipality is None:
            return self._draft_gone()
        if what == "all":
            await self.storage.set_draft_fields(user_id, self._all_field_ids())
            return Outcome(edit=self._field_choice(draft.municipality, self._all_field_ids()))
        return await self._create(user_id, draft)

    async def draft_field(self, user_id: int, field_id: str, select: bool) -> Outcome:
        """Select or deselect one field of the workshop being set up."""
        draft = await self.storage.draft(user_id)
        if draft is None or draft.municipality is None:
            return self._draft_gone()
        if self.questionnaire.field(field_id) is None:
            return invalid_button(self.render)
        chosen = (set(draft.field_ids) | {field_id} if select
                  else set(draft.field_ids) - {field_id})
        selection = tuple(f.id for f in self.questionnaire.fields if f.id in chosen)
        await self.storage.set_draft_fields(user_id, selection)
        return Outcome(edit=self._field_choice(draft.municipality, selection))

    def _draft_gone(self) -> Outcome:
        return Outcome(notice=self.render.text("workshop.notice.draft_gone"), alert=True,
                       clear_keyboard=True)

    async def _create(self, user_id: int, draft: Draft) -> Outcome:
        selected = self.questionnaire.select(draft.field_ids)
        if not selected:
            return Outcome(notice=self.render.text("workshop.notice.no_field"), alert=True)
        every_field = len(selected) == len(self.questionnaire.fields)
        workshop = await self.storage.create_workshop(
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
            (Button(self.render.text("workshop.button.field", field=f, chosen=f in selected),
                    DraftField(f.id, select=f not in selected)),) for f in fields]
        rows.append((Button(self.render.text("workshop.button.all_fields"), DraftStep("all")),))
        rows.append((Button(self.render.text("workshop.button.create"), DraftStep("create")),
                     Button(self.render.text("workshop.button.drop"), DraftStep("drop"))))
        statements = sum(len(f.statements) for f in selected)
        text = self.render.html("workshop_fields.html.j2", municipality=municipality,
                                selected=selected, total=len(fields), statements=statements)
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
            case "result":
                result = await self._result(workshop)
                return Outcome(send=self._result_replies(workshop, result, "coordinators"))
            case "invite":
                return Outcome(send=self._invitation(workshop))
            case "browser" if self.management_link is not None:
                link = await self.management_link(user_id, workshop.id)
                return Outcome(send=(Reply(self.render.html("workshop_browser.html.j2",
                                                             workshop=workshop, link=link)),))
            case "cocoord":
                token = await self.storage.offer_coordinator_token(workshop.id, new_token())
                assert token is not None
                return Outcome(send=self._cocoord_invitation(
                    workshop, token, again=workshop.coordinator_token is not None))
            case "csv" | "pdf":
                result = await self._result(workshop)
                if not result.available:
                    return Outcome(notice=self.render.text("workshop.notice.result_not_ready",
                                                           minimum=MIN_GROUP), alert=True)
                document = (self._csv(workshop, result) if action == "csv"
                            else await self._report(workshop, result))
                return Outcome(send=(document,))
            case "delete" if not owner:
                return Outcome(notice=self.render.text("workshop.notice.owner_only"), alert=True)
            case "close" if not workshop.open:
                return Outcome(notice=self.render.text("workshop.notice.already_closed"),
                               edit=await self._menu(workshop, user_id))
            case "share":
                return await self._ask_share(workshop)
            case _:  # renew, close, delete: ask first
                return Outcome(edit=self._question(workshop, action))

    async def _ask_share(self, workshop: Workshop) -> Outcome:
        result = await self._result(workshop)
        if not result.available:
            return Outcome(notice=self.render.text("workshop.notice.result_not_ready",
                                                   minimum=MIN_GROUP), alert=True)
        recipients = await self.storage.participant_ids(workshop.id)
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
        """"Yes" to a change, carried out only at the revision it was asked at."""
        workshop = await self._managed(user_id, workshop_id)
        if workshop is None:
            return invalid_button(self.render)
        if action == "delete" and workshop.created_by != user_id:
            return Outcome(notice=self.render.text("workshop.notice.owner_only"), alert=True)
        stale = Outcome(notice=self.render.text("workshop.notice.stale"), alert=True,
                        edit=await self._menu(workshop, user_id))
        match action:
            case "renew":
                if not await self.storage.renew_token(workshop.id, revision, new_token()):
                    return stale
                renewed = await self.storage.workshop(workshop.id)
                assert renewed is not None
                return Outcome(notice=self.render.text("workshop.notice.renewed"),
                               edit=await self._menu(renewed, user_id),
                               send=self._invitation(renewed))
            case "close":
                if not await self.storage.close_workshop(workshop.id, revision):
                    return stale
                closed = await self.storage.workshop(workshop.id)
                assert closed is not None
                return Outcome(notice=self.render.text("workshop.notice.closed"),
                               edit=await self._menu(closed, user_id))
            case "share":
                if not await self.storage.bump_revision(workshop.id, revision):
                    return stale
                return await self._share(workshop, user_id)
            case "cocoord":
                if not await self.storage.renew_coordinator_token(workshop.id, revision,
                                                                   new_token()):
                    return stale
                renewed = await self.storage.workshop(workshop.id)
                assert renewed is not None and renewed.coordinator_token is not None
                return Outcome(clear_keyboard=True, send=self._cocoord_invitation(
                    renewed, renewed.coordinator_token, again=False))
            case _:  # delete
                if not await self.storage.delete_workshop(workshop.id, revision):
                    return stale
                return Outcome(edit=Reply(self.render.html("workshop_deleted.html.j2",
                                                           workshop=workshop)))

    async def _share(self, workshop: Workshop, user_id: int) -> Outcome:
        result = await self._result(workshop)
        recipients = tuple(await self.storage.participant_ids(workshop.id))
        replies = self._result_replies(workshop, result, "participants")
        current = await self.storage.workshop(workshop.id)
        assert current is not None
        return Outcome(notice=self.render.text("workshop.notice.sending"),
                       edit=await self._menu(current, user_id),
                       broadcast=Broadcast(recipients, replies, workshop.municipality,
                                           reported=functools.partial(
                                               self._shared, workshop.municipality)))

    def _shared(self, municipality: str, report: BroadcastReport) -> tuple[Message, ...]:
        """Tell the coordinator how the sharing went."""
        return (Reply(self.render.html("workshop_shared.html.j2", municipality=municipality,
                                       report=report)),)

    async def _managed(self, user_id: int, workshop_id: int) -> Workshop | None:
        """The workshop if the person coordinates it; ``None`` for strangers and unknown ids."""
        workshop = await self.storage.workshop(workshop_id)
        if workshop is None or not await self.storage.is_coordinator(workshop.id, user_id):
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
        for run in await self.storage.active_workshop_runs(workshop.id):
            await run_state.settled(self.storage, self.questionnaire, run)

    async def _menu(self, workshop: Workshop, user_id: int) -> Reply:
        await self._settle_runs(workshop)
        state = progress(await self.storage.workshop_progress(workshop.id))
        text = self.render.html("workshop_menu.html.j2", workshop=workshop, progress=state,
                                fields=self._fields(workshop),
                                every_field=workshop.field_ids is None,
                                coordinators=await self.storage.coordinator_count(workshop.id))
        return Reply(text, self._menu_keyboard(workshop, owner=workshop.created_by == user_id))

    def _menu_keyboard(self, workshop: Workshop, *, owner: bool) -> Keyboard:
        def button(action: str) -> Button:
            return Button(self.render.text(f"workshop.button.{action}"),
                          ManageWorkshop(action, workshop.id))

        rows = [(button("status"), button("result")),
                (button("invite"), button("renew")),
                (button("cocoord"),),
                (button("csv"), button("pdf")),
                (button("share"),)]
        if self.management_link is not None:
            rows.append((button("browser"),))
        if workshop.open:
            rows.append((button("close"),))
        if owner:
            rows.append((button("delete"),))
        return tuple(rows)

    async def _status(self, workshop: Workshop) -> Reply:
        await self._settle_runs(workshop)
        state = progress(await self.storage.workshop_progress(workshop.id))
        text = self.render.html("workshop_status.html.j2", workshop=workshop, progress=state,
                                labels=self.labels, minimum=MIN_GROUP)
        keyboard = ((Button(self.render.text("workshop.button.refresh"),
                            ManageWorkshop("status", workshop.id)),
                     Button(self.render.text("workshop.button.result"),
                            ManageWorkshop("result", workshop.id))),
                    (Button(self.render.text("workshop.button.back_to_menu"),
                            ManageWorkshop("menu", workshop.id)),))
        return Reply(text, keyboard)

    async def _result(self, workshop: Workshop) -> WorkshopResult:
        await self._settle_runs(workshop)
        responses = [Response(perspective, answers) for perspective, answers
                     in await self.storage.workshop_responses(workshop.id)]
        return aggregate(self._fields(workshop), self.questionnaire.scale, responses)

    def _result_replies(self, workshop: Workshop, result: WorkshopResult,
                        audience: str) -> tuple[Reply, ...]:
        parts = self.render.html_parts(
            "workshop_result.html.j2", workshop=workshop, result=result, audience=audience,
            labels=self.labels, scale=self.questionnaire.scale, minimum=MIN_GROUP,
            dialogue=result.dialogue[:DIALOGUE_SHOWN],
            more_dialogue=len(result.dialogue) > DIALOGUE_SHOWN,
            unjudged=result.unjudged[:UNJUDGED_SHOWN],
            more_unjudged=len(result.unjudged) > UNJUDGED_SHOWN)
        return tuple(Reply(part) for part in parts)

    def _csv(self, workshop: Workshop, result: WorkshopResult) -> Document:
        content = result_csv(result, self.questionnaire.scale, self.render, self.labels)
        caption = self.render.html("workshop_csv_caption.html.j2", workshop=workshop,
                                   result=result)
        return Document(content, csv_filename(workshop.municipality, self.render), caption)

    async def _report(self, workshop: Workshop, result: WorkshopResult) -> Document:
        """The printable report with a chart per perspective (see :mod:`bot.output.workshop_report`)."""
        report = WorkshopReport(
            workshop=workshop, result=result,
            charts=perspective_charts(result, self.questionnaire.scale, self.render),
            labels=self.labels, scale=self.questionnaire.scale,
            every_field=workshop.field_ids is None,
            created=german_date(datetime.now(LOCAL_TIME).date()),
            opened=german_date(local_date(workshop.created_at)),
            closed=german_date(local_date(workshop.closed_at)) if workshop.closed_at else None)
        charts = {chart.key: await in_drawing_process(draw_chart, chart.chart, "png", PRINT_DPI)
                  for chart in report.charts}
        pdf = await in_print_process(print_workshop_report, self.render, report, charts)
        caption = self.render.html("workshop_report_caption.html.j2", workshop=workshop,
                                   result=result)
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
                                minimum=MIN_GROUP)
        caption = self.render.html("workshop_qr_caption.html.j2", workshop=workshop)
        return Reply(text), Photo(qr_png(link), "einladung-qr.png", caption)

    def _fields(self, workshop: Workshop) -> tuple[Field, ...]:
        return self.questionnaire.select(workshop.field_ids)

    # --- links: joining as participant or co-coordinator --------------------------------

    async def open_link(self, user_id: int, invitation: Invitation) -> Outcome:
        """An invitation link (``/start <payload>``), parsed and validated by the channel."""
        match invitation:
            case WorkshopInvitation(token=token):
                workshop = await self.storage.workshop_by_token(token)
                if workshop is None:
                    return self._say("workshop_link_invalid.html.j2")
                return await self._join(user_id, workshop)
            case CoordinatorInvitation(token=token):
                workshop = await self.storage.workshop_by_coordinator_token(token)
                if workshop is None:
                    return self._say("workshop_cocoord_invalid.html.j2")
                return await self._become_coordinator(user_id, workshop, token)

    async def _join(self, user_id: int, workshop: Workshop) -> Outcome:
        if not workshop.open:
            return self._say("workshop_closed.html.j2", workshop=workshop)
        participant = await self.storage.participant(workshop.id, user_id)
        if participant is None or participant.perspective is None:
            await self.storage.join_workshop(workshop.id, user_id)
            return Outcome(send=(await self._perspective_choice(user_id, workshop),))
        return await self._continue(user_id, workshop)

    async def _perspective_choice(self, user_id: int, workshop: Workshop) -> Reply:
        fields = self._fields(workshop)
        personal = await self.storage.active_run(user_id)
        text = self.render.html("workshop_join.html.j2", workshop=workshop, fields=fields,
                                every_field=workshop.field_ids is None,
                                total=sum(len(f.statements) for f in fields),
                                personal_open=personal is not None, minimum=MIN_GROUP)
        keyboard = tuple((Button(self.labels[p], ChoosePerspective(workshop.id, p)),)
                         for p in PERSPECTIVES)
        return Reply(text, keyboard)

    async def choose_perspective(self, user_id: int, workshop_id: int, perspective: str) -> Outcome:
        workshop = await self.storage.workshop(workshop_id)
        participant = await self.storage.participant(workshop_id, user_id)
        if workshop is None or participant is None:
            return invalid_button(self.render)
        if not workshop.open:
            return Outcome(notice=self.render.text("workshop.notice.closed_for_answers"),
                           alert=True, clear_keyboard=True)
        if not await self.storage.choose_perspective(workshop.id, user_id, perspective):
            current = await self.storage.participant(workshop_id, user_id)
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
                                        perspective=self.labels[perspective]))
        return Outcome(edit=chosen, send=continued.send)

    async def _continue(self, user_id: int, workshop: Workshop) -> Outcome:
        """A participant with a perspective: their open workshop run, a new one, or "done"."""
        # Settled like every run: one left with nothing to answer after a
        # questionnaire update counts as finished.
        run = await run_state.settled_active_run(self.storage, self.questionnaire, user_id,
                                                 workshop.id)
        if run is not None:
            return await self.selfcheck.continue_run(user_id, run.id)
        if not await self.storage.finished_runs(user_id, workshop.id):
            await self.storage.start_run(user_id, workshop.field_ids, workshop.id)
            run = await run_state.settled_active_run(self.storage, self.questionnaire, user_id,
                                                     workshop.id)
            if run is not None:
                return Outcome(send=(await self.selfcheck.statement_message(run),))
        finished = await self.storage.finished_runs(user_id, workshop.id)
        keyboard = ((Button(self.render.text("workshop.button.own_result"),
                            ShowResults(finished[0].id)),),)
        return Outcome(send=(Reply(self.render.html("workshop_already_done.html.j2",
                                                    workshop=workshop), keyboard),))

    async def _become_coordinator(self, user_id: int, workshop: Workshop, token: str) -> Outcome:
        if await self.storage.is_coordinator(workshop.id, user_id):
            note = Reply(self.render.html("workshop_cocoord_already.html.j2", workshop=workshop))
            return Outcome(send=(note, await self._menu(workshop, user_id)))
        if not await self.storage.redeem_coordinator_token(workshop.id, token, user_id):
            return self._say("workshop_cocoord_invalid.html.j2")
        note = Reply(self.render.html("workshop_cocoord_welcome.html.j2", workshop=workshop))
        return Outcome(send=(note, await self._menu(workshop, user_id)))

    # --- small helpers ---------------------------------------------------------------------

    def _say(self, template: str, **context: object) -> Outcome:
        return Outcome(send=(Reply(self.render.html(template, **context)),))


def clean_name(text: str) -> str | None:
    """A municipality's name with whitespace folded, or ``None`` if it cannot be one."""
    name = " ".join(text.split())
    low, high = NAME_LENGTH
    if not low <= len(name) <= high or name.startswith("/"):
        return None
    return name


def _expired(draft: Draft) -> bool:
    created = datetime.fromisoformat(draft.created_at)
    return datetime.now(timezone.utc) - created > NAME_WAIT
