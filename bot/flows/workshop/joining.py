"""Joining by a link: a participant chooses a perspective and answers; a co-coordinator starts."""

from __future__ import annotations

from bot.domain.entities import Participant, Workshop
from bot.domain.workshop import PERSPECTIVES, answer_minutes
from bot.flows import run_state
from bot.flows.actions import ChangePerspective, ChoosePerspective, Keep, ShowResults
from bot.flows.invitations import CoordinatorInvitation, Invitation, WorkshopInvitation
from bot.flows.outcome import Button, Choice, Form, Option, Outcome, Reply
from bot.flows.refusals import Refused, refused_button
from bot.flows.selfcheck import SelfCheck
from bot.flows.workshop.co_coordinators import CoCoordinators
from bot.flows.workshop.desk import Desk


class Joining:
    """``selfcheck`` starts and continues a participant's run (they answer in the
    ordinary self-check)."""

    def __init__(self, desk: Desk, selfcheck: SelfCheck, co_coordinators: CoCoordinators) -> None:
        self.desk = desk
        self.selfcheck = selfcheck
        self.co_coordinators = co_coordinators

    async def open_link(self, user_id: int, invitation: Invitation) -> Outcome:
        """``/start <payload>``: the payload has been parsed and validated already."""
        desk = self.desk
        match invitation:
            case WorkshopInvitation(token=token):
                workshop = await desk.storage.workshops.by_token(token)
                if workshop is None:
                    return desk.say("workshop_link_invalid.html.j2")
                return await self._join(user_id, workshop)
            case CoordinatorInvitation(token=token):
                workshop = await desk.storage.workshops.by_coordinator_token(token)
                if workshop is None:
                    return desk.say("workshop_cocoord_invalid.html.j2")
                return await self.co_coordinators.join(user_id, workshop, token)

    async def _join(self, user_id: int, workshop: Workshop) -> Outcome:
        desk = self.desk
        if not workshop.open:
            return desk.say("workshop_closed.html.j2", workshop=workshop)
        participant = await desk.storage.workshops.participant(workshop.id, user_id)
        if participant is None or participant.perspective is None:
            await desk.storage.workshops.join(workshop.id, user_id)
            return Outcome(send=(await self._perspective_choice(user_id, workshop),))
        return await self._continue(user_id, workshop)

    async def _perspective_choice(self, user_id: int, workshop: Workshop, *,
                                  missing: bool = False) -> Reply:
        desk = self.desk
        fields = desk.fields(workshop)
        personal = await desk.storage.runs.active_run(user_id)
        total = sum(len(f.statements) for f in fields)
        coordinator = await desk.storage.workshops.is_coordinator(workshop.id, user_id)
        text = desk.render.html("workshop_join.html.j2", workshop=workshop, fields=fields,
                                every_field=workshop.field_ids is None, total=total,
                                minutes=answer_minutes(total),
                                personal_open=personal is not None, minimum=desk.minimum,
                                coordinator=coordinator)
        keyboard = tuple((Button(desk.labels[p], ChoosePerspective(workshop.id, p)),)
                         for p in PERSPECTIVES)
        render = desk.render
        choice = Choice("perspective", render.text("form.perspective"),
                        tuple(Option(p, desk.labels[p]) for p in PERSPECTIVES),
                        error=render.text("form.perspective_missing") if missing else None)
        form = Form(ChangePerspective(workshop.id), (choice,),
                    render.text("form.perspective_submit"),
                    Button(render.text("form.perspective_back"), Keep()))
        return Reply(text, keyboard, asks=form)

    async def page(self, user_id: int, workshop_id: int) -> Outcome:
        """A participant's workshop page as an address shows it: the perspective to choose,
        the open statement, or that they are done; strangers get the refusal."""
        desk = self.desk
        workshop, participant = await self._participation(user_id, workshop_id)
        if not workshop.open:
            return desk.say("workshop_closed.html.j2", workshop=workshop)
        if participant.perspective is None:
            return Outcome(send=(await self._perspective_choice(user_id, workshop),))
        run = await run_state.settled_active_run(desk.storage, desk.questionnaire, user_id,
                                                 workshop.id)
        if run is not None:
            return Outcome(send=(await self.selfcheck.statement_message(run),))
        finished = await desk.storage.runs.finished_runs(user_id, workshop.id)
        return self._done(workshop, finished[0].id if finished else None)

    async def _participation(self, user_id: int,
                             workshop_id: int) -> tuple[Workshop, Participant]:
        """The workshop the person has joined, open or closed; refused otherwise."""
        workshop = await self.desk.storage.workshops.workshop(workshop_id)
        participant = await self.desk.storage.workshops.participant(workshop_id, user_id)
        if workshop is None or participant is None:
            raise refused_button(self.desk.render)
        return workshop, participant

    async def _taking_part(self, user_id: int,
                           workshop_id: int) -> tuple[Workshop, Participant]:
        """The open workshop the person takes part in; refused otherwise."""
        desk = self.desk
        workshop, participant = await self._participation(user_id, workshop_id)
        if not workshop.open:
            raise Refused(Outcome(notice=desk.render.text("workshop.notice.closed_for_answers"),
                                  alert=True, clear_keyboard=True))
        return workshop, participant

    async def choose_perspective(self, user_id: int, workshop_id: int, perspective: str) -> Outcome:
        desk = self.desk
        workshop, participant = await self._taking_part(user_id, workshop_id)
        if perspective not in PERSPECTIVES:  # a form sent without a choice
            if participant.perspective is None:
                return Outcome(send=(await self._perspective_choice(user_id, workshop,
                                                                    missing=True),))
            return Outcome(notice=desk.render.text("reliability.perspective_saved"))
        if not await desk.storage.workshops.choose_perspective(workshop.id, user_id, perspective):
            current = await desk.storage.workshops.participant(workshop_id, user_id)
            assert current is not None and current.perspective is not None
            if current.perspective != perspective:
                return Outcome(notice=desk.render.text(
                    "workshop.notice.perspective_taken",
                    perspective=desk.labels[current.perspective]), alert=True,
                    clear_keyboard=True)
            # The same choice again (a double tap, a repeated update): the run
            # is already under way in the chat, and a second copy would confuse.
            return Outcome(notice=desk.render.text("reliability.perspective_saved"),
                           clear_keyboard=True)
        continued = await self._continue(user_id, workshop)
        chosen = Reply(desk.render.html("workshop_perspective_chosen.html.j2", workshop=workshop,
                                        perspective=desk.labels[perspective]),
                       ((Button(desk.render.text("workshop.button.change_perspective"),
                                ChangePerspective(workshop.id)),),))
        return Outcome(edit=chosen, send=continued.send)

    async def change_perspective(self, user_id: int, workshop_id: int) -> Outcome:
        """A perspective chosen by mistake: chosen again, as long as nothing is answered."""
        workshop, participant = await self._taking_part(user_id, workshop_id)
        if participant.perspective is None:  # a repeated tap: the choice is already shown
            return Outcome(edit=await self._perspective_choice(user_id, workshop))
        if not await self.desk.storage.workshops.reset_perspective(workshop.id, user_id):
            return Outcome(notice=self.desk.render.text("workshop.notice.perspective_fixed"),
                           alert=True, clear_keyboard=True)
        return Outcome(edit=await self._perspective_choice(user_id, workshop))

    async def _continue(self, user_id: int, workshop: Workshop) -> Outcome:
        """A participant with a perspective: their open workshop run, a new one, or "done"."""
        desk = self.desk
        # Settled like every run: one left with nothing to answer after a
        # questionnaire update counts as finished.
        run = await run_state.settled_active_run(desk.storage, desk.questionnaire, user_id,
                                                 workshop.id)
        if run is not None:
            return await self.selfcheck.continue_run(user_id, run.id)
        finished = await desk.storage.runs.finished_runs(user_id, workshop.id)
        if not finished:
            started = await desk.storage.runs.start_run(user_id, workshop.field_ids, workshop.id)
            run = await run_state.settled(desk.storage, desk.questionnaire, started)
            if run.active:
                return Outcome(send=(await self.selfcheck.statement_message(run),))
            finished = [run]  # nothing to answer in it: it settled as finished right away
        return self._done(workshop, finished[0].id)

    def _done(self, workshop: Workshop, run_id: int | None) -> Outcome:
        """The participant has answered: their own result is a tap away."""
        render = self.desk.render
        keyboard = (((Button(render.text("workshop.button.own_result"), ShowResults(run_id)),),)
                    if run_id is not None else ())
        return Outcome(send=(Reply(render.html("workshop_already_done.html.j2",
                                               workshop=workshop), keyboard),))
