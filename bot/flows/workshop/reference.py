"""The administration's own view beside the room's: offered, consented to, withdrawn, attached.

A coordinator's own latest finished self-check may stand beside the room's
result as a reference column (see :mod:`bot.domain.workshop_reference`). It
is one known person's answers, so it is shown only after they have read what
will be shown to whom and said yes; until the workshop closes they can take
it back. Every view of a released result gets it from :meth:`attached`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain.entities import Workshop
from bot.domain.workshop import WorkshopResult
from bot.domain.workshop_reference import Reference, reference_of
from bot.flows.actions import ConfirmWorkshop, ManageWorkshop
from bot.flows.outcome import Button, Keyboard, Outcome, Reply
from bot.flows.results_view import local_date, shown_date
from bot.flows.workshop.desk import Desk
from bot.store.references import StoredReference


class AdministrationView:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def attached(self, workshop: Workshop, result: WorkshopResult) -> WorkshopResult:
        """The released result with the reference placed beside it, if there is one."""
        stored = await self.desk.storage.references.of(workshop.id)
        return result if stored is None else replace(result, reference=self._of(workshop,
                                                                                stored))

    def _of(self, workshop: Workshop, stored: StoredReference) -> Reference | None:
        return reference_of(self.desk.fields(workshop), self.desk.questionnaire.scale,
                            stored.answers, stored.answered_on)

    async def _offered(self, workshop: Workshop, user_id: int
                       ) -> tuple[Reference, dict[str, str]] | None:
        """The person's latest finished self-check of their own, cut to the workshop's fields."""
        runs = self.desk.storage.runs
        run = await runs.latest_finished_personal_run(user_id)
        if run is None or run.finished_at is None:
            return None
        fields = self.desk.fields(workshop)
        ids = {statement.id for field in fields for statement in field.statements}
        answers = {key: value for key, value in (await runs.answers(run.id)).items()
                   if key in ids}
        reference = reference_of(fields, self.desk.questionnaire.scale, answers,
                                 local_date(run.finished_at).isoformat())
        if reference is None:
            return None
        kept = {key: value for key, value in answers.items()
                if key in reference.statements}
        return reference, kept

    async def view(self, workshop: Workshop, user_id: int) -> Reply:
        """What the column would show and to whom, with the consent to give (or to take back)."""
        desk = self.desk
        stored = await desk.storage.references.of(workshop.id)
        own = stored is not None and stored.user_id == user_id
        offered = None if stored is not None else await self._offered(workshop, user_id)
        reference = self._of(workshop, stored) if stored is not None else (
            offered[0] if offered else None)
        text = desk.render.html(
            "workshop_reference.html.j2", workshop=workshop, placed=stored is not None, own=own,
            reference=reference, fields=desk.fields(workshop), scale=desk.questionnaire.scale,
            answered_on=shown_date(date.fromisoformat(reference.answered_on))
            if reference else None)
        rows: list[tuple[Button, ...]] = []
        if workshop.open and (own or offered is not None):
            action = "unreference" if own else "reference"
            rows.append((Button(desk.render.text(f"workshop.button.yes_{action}"),
                                ConfirmWorkshop(action, workshop.id, workshop.revision)),))
        rows.append((Button(desk.render.text("workshop.button.back_to_menu"),
                            ManageWorkshop("menu", workshop.id)),))
        keyboard: Keyboard = tuple(rows)
        return Reply(text, keyboard)

    async def place(self, workshop: Workshop, user_id: int, revision: int) -> Outcome | None:
        """Yes, shown: the answers on the screen the person agreed to; ``None`` if that
        screen is outdated (closed, another view placed, another change)."""
        offered = await self._offered(workshop, user_id)
        if offered is None:
            return None
        reference, answers = offered
        if not await self.desk.storage.references.place(workshop.id, revision, user_id,
                                                        answers, reference.answered_on):
            return None
        return await self._changed(workshop, user_id, "reference_placed")

    async def withdraw(self, workshop: Workshop, user_id: int, revision: int) -> Outcome | None:
        if not await self.desk.storage.references.withdraw(workshop.id, revision, user_id):
            return None
        return await self._changed(workshop, user_id, "reference_withdrawn")

    async def _changed(self, workshop: Workshop, user_id: int, notice: str) -> Outcome:
        current = await self.desk.storage.workshops.workshop(workshop.id)
        assert current is not None
        return Outcome(notice=self.desk.render.text(f"workshop.notice.{notice}"),
                       edit=await self.view(current, user_id))
