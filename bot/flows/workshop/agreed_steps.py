"""The next steps a workshop agreed on: typed by a coordinator, at most five, in the CSV and PDF."""

from __future__ import annotations

from bot.domain.entities import Awaited, PendingInput, Workshop
from bot.domain.next_steps import LIMITS as STEP_LIMITS
from bot.domain.next_steps import MOST_STEPS, free_position, parse_step
from bot.domain.questionnaire import Field, Statement
from bot.flows.actions import EditNextStep, ManageWorkshop, RemoveNextStep
from bot.flows.outcome import Button, Form, Outcome, Reply
from bot.flows.results_view import local_date, shown_date
from bot.flows.typed_values import length_error, text_input, tidy
from bot.flows.workshop.desk import Desk

STEP_FIELDS = ("what", "who", "due")  # the three lines of a typed step, the form's fields
STEP_LINES = {"what": 3}  # room to see a longer "what" whole; kept as one line


class AgreedSteps:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def view(self, workshop: Workshop, user_id: int) -> Reply:
        desk, render = self.desk, self.desk.render
        steps = await desk.storage.steps.of(workshop.id)
        earlier = await desk.storage.steps.earlier(user_id, workshop)
        text = render.html(
            "workshop_steps.html.j2", workshop=workshop, steps=steps, most=MOST_STEPS,
            earlier=earlier is not None, earlier_steps=earlier[1] if earlier else (),
            earlier_opened=shown_date(local_date(earlier[0].created_at)) if earlier else None)
        rows: list[tuple[Button, ...]] = [
            (Button(render.text("workshop.button.step_edit", position=step.position),
                    EditNextStep(workshop.id, step.position)),
             Button(render.text("workshop.button.step_remove", position=step.position),
                    RemoveNextStep(workshop.id, step.position))) for step in steps]
        if len(steps) < MOST_STEPS:
            rows.append((Button(render.text("workshop.button.step_new"),
                                EditNextStep(workshop.id, None)),))
        rows.append((Button(render.text("workshop.button.back_to_menu"),
                            ManageWorkshop("menu", workshop.id)),))
        return Reply(text, tuple(rows))

    async def ask(self, user_id: int, workshop_id: int, position: int | None,
                  statement_id: str | None = None) -> Outcome:
        """Wait for the step typed next (``None``: a new one); it replaces whatever else the
        bot waited for (see :meth:`bot.store.people.People.await_input`).

        ``statement_id``: a statement every group rated low, which the prompt quotes as
        what the step is for (one the questionnaire no longer has is left out)."""
        desk = self.desk
        workshop = await desk.managed(user_id, workshop_id)
        topic = next(((field, statement) for field in desk.fields(workshop)
                      for statement in field.statements if statement.id == statement_id), None)
        if position is None:
            position = free_position({s.position for s in await desk.storage.steps.of(workshop.id)})
            if position is None:
                return Outcome(notice=desk.render.text("workshop.notice.steps_full"), alert=True)
        await desk.storage.people.await_input(user_id, Awaited.WORKSHOP_STEP,
                                              workshop_id=workshop.id, position=position)
        step = next((s for s in await desk.storage.steps.of(workshop.id)
                     if s.position == position), None)
        values = {name: getattr(step, name) for name in STEP_FIELDS} if step else {}
        return Outcome(send=(self._prompt(workshop, position, values, {}, topic),))

    def _prompt(self, workshop: Workshop, position: int, values: dict[str, str],
                errors: dict[str, str], topic: tuple[Field, Statement] | None = None) -> Reply:
        """Asking for the step: in words for a chat (three lines), a field each in a form;
        ``topic``: the shared low statement the step is for."""
        render = self.desk.render
        text = render.html("workshop_step_prompt.html.j2", workshop=workshop, position=position,
                           topic=topic[1] if topic else None,
                           topic_number=topic[0].number_of(topic[1]) if topic else None)
        form = Form(EditNextStep(workshop.id, position),
                    tuple(text_input(render, name, f"step_{name}", STEP_LIMITS[name],
                                     value=values.get(name, ""), error=errors.get(name),
                                     lines=STEP_LINES.get(name, 1))
                          for name in STEP_FIELDS),
                    render.text("form.step_submit"),
                    Button(render.text("form.step_back"), ManageWorkshop("steps", workshop.id)),
                    error=render.text("form.step_invalid") if errors else None)
        return Reply(text, asks=form)

    async def entered(self, user_id: int, workshop_id: int, position: int,
                      values: dict[str, str]) -> Outcome:
        """A step typed into the form's three fields: saved, or the form again with each
        refused value next to what is wrong with it."""
        desk = self.desk
        workshop = await desk.managed(user_id, workshop_id)
        errors = {name: error for name in STEP_FIELDS
                  if (error := length_error(desk.render, values[name], *STEP_LIMITS[name]))}
        if errors:
            return Outcome(send=(self._prompt(workshop, position, values, errors),))
        await desk.storage.steps.save(user_id, workshop.id, position,
                                      *(tidy(values[name]) for name in STEP_FIELDS))
        return Outcome(send=(await self.view(workshop, user_id),))

    async def typed(self, user_id: int, pending: PendingInput, text: str) -> Outcome | None:
        """The awaited step; ``None`` if the person no longer coordinates that workshop."""
        desk = self.desk
        if pending.workshop_id is None or pending.position is None or not text:
            return None
        workshop = await desk.coordinated(user_id, pending.workshop_id)
        if workshop is None:
            await desk.storage.people.stop_awaiting(user_id, Awaited.WORKSHOP_STEP)
            return None
        step = parse_step(text)
        if step is None:
            return desk.say("workshop_step_invalid.html.j2", limits=STEP_LIMITS)
        await desk.storage.steps.save(user_id, workshop.id, pending.position, step.what,
                                      step.who, step.due)
        return Outcome(send=(await self.view(workshop, user_id),))

    async def remove(self, user_id: int, workshop_id: int, position: int) -> Outcome:
        desk = self.desk
        workshop = await desk.managed(user_id, workshop_id)
        removed = await desk.storage.steps.remove(workshop.id, position)
        return Outcome(notice=desk.render.text("workshop.notice.step_removed" if removed
                                               else "workshop.notice.step_gone"),
                       edit=await self.view(workshop, user_id))
