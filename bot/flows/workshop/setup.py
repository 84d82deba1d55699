"""Setting a workshop up: the municipality's name, the fields of action, how the groups are
shown and who is expected (with the forecast of the shown groups), creating it."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.entities import Draft
from bot.domain.names import NAME_MAX_LENGTH, NAME_MIN_LENGTH, municipality_name
from bot.domain.perspectives import (
    EACH,
    OWN,
    PERSPECTIVES,
    SECTOR_OF,
    SECTORED,
    SECTORS,
    Grouping,
)
from bot.domain.workshop import FURTHER, answer_minutes, forecast, new_token
from bot.flows.actions import (
    MOST_EXPECTED,
    DraftAlone,
    DraftExpect,
    DraftField,
    DraftGrouping,
    DraftStep,
)
from bot.flows.outcome import TYPED_TEXT, Button, Form, Keyboard, Outcome, Reply
from bot.flows.refusals import Refused, refused_button
from bot.flows.typed_values import text_input
from bot.flows.workshop.desk import Desk
from bot.flows.workshop.menu import Menu

NAME_LENGTH = (NAME_MIN_LENGTH, NAME_MAX_LENGTH)  # a municipality's name (bot/domain/names.py)


class Setup:
    def __init__(self, desk: Desk, menu: Menu) -> None:
        self.desk = desk
        self.menu = menu

    async def command(self, user_id: int, argument: str = "") -> Outcome:
        """/workshop [Kommune]: set one up for the named municipality, or list the person's."""
        workshops = self.desk.storage.workshops
        if argument.strip():
            name = municipality_name(argument)
            if name is None:
                return self._name_invalid()
            await workshops.start_draft(user_id, name, ())
            return Outcome(send=(self._field_choice(name, ()),))
        coordinated = await workshops.coordinated_by(user_id)
        if coordinated:
            return Outcome(send=(self.menu.workshop_list(coordinated),))
        return await self._ask_name(user_id)

    async def overview(self, user_id: int) -> Outcome:
        """The workshops page as an address shows it: the person's workshops, or an offer
        to set one up (nothing is begun until they choose to)."""
        coordinated = await self.desk.storage.workshops.coordinated_by(user_id)
        if coordinated:
            return Outcome(send=(self.menu.workshop_list(coordinated),))
        render = self.desk.render
        return Outcome(send=(Reply(render.html("workshop_offer.html.j2"),
                                   ((Button(render.text("workshop.button.new"),
                                            DraftStep("new")),),)),))

    async def named(self, user_id: int, text: str) -> Outcome | None:
        """The awaited municipality name; ``None`` if no workshop is being set up."""
        workshops = self.desk.storage.workshops
        draft = await workshops.draft(user_id)
        if draft is None:
            return None
        name = municipality_name(text)
        if name is None:
            return self._name_invalid(text)
        if not await workshops.name_draft(user_id, name):
            return None
        return Outcome(send=(self._field_choice(name, draft.field_ids),))

    def _name_invalid(self, typed: str = "") -> Outcome:
        render = self.desk.render
        error = render.text("form.name_invalid", low=NAME_LENGTH[0], high=NAME_LENGTH[1])
        return Outcome(send=(Reply(render.html("workshop_name_invalid.html.j2",
                                               limits=NAME_LENGTH),
                                   asks=self._name_form(value=typed, error=error)),))

    def _name_form(self, *, value: str = "", error: str | None = None) -> Form:
        """The municipality's name typed into a field, as the awaited text; or dropped."""
        render = self.desk.render
        field = text_input(render, TYPED_TEXT, "workshop_name", NAME_LENGTH, value=value,
                           error=error)
        return Form(None, (field,), render.text("form.workshop_name_submit"),
                    Button(render.text("form.workshop_name_back"), DraftStep("drop")))

    async def _ask_name(self, user_id: int) -> Outcome:
        render = self.desk.render
        await self.desk.storage.workshops.start_draft(user_id, None, ())
        keyboard = ((Button(render.text("workshop.button.drop"), DraftStep("drop")),),)
        return Outcome(send=(Reply(render.html("workshop_ask_name.html.j2"), keyboard,
                                   asks=self._name_form()),))

    async def draft_step(self, user_id: int, what: str) -> Outcome:
        """Setting a workshop up: a new one, dropping it, every field, on to the groups,
        back to the fields, or creating it."""
        workshops = self.desk.storage.workshops
        if what == "new":
            return await self._ask_name(user_id)
        if what == "drop":
            await workshops.drop_draft(user_id)
            return Outcome(edit=Reply(self.desk.render.html("workshop_draft_dropped.html.j2")))
        draft = await workshops.draft(user_id)
        if draft is None or draft.municipality is None:
            return self._draft_gone()
        if what == "all":
            await workshops.set_draft_fields(user_id, self._all_field_ids())
            return Outcome(edit=self._field_choice(draft.municipality, self._all_field_ids()))
        if what == "fields":
            return Outcome(edit=self._field_choice(draft.municipality, draft.field_ids))
        if not self.desk.questionnaire.select(draft.field_ids):
            return Outcome(notice=self.desk.render.text("workshop.notice.no_field"), alert=True)
        if what == "groups":
            return Outcome(edit=self._group_choice(draft))
        return await self._create(user_id, draft)

    async def draft_grouping(self, user_id: int, mode: str) -> Outcome:
        """Each perspective, the four sectors, or one's own: that starts from the sectors, and
        the coordinator takes chosen perspectives out of them."""
        draft = await self._named_draft(user_id)
        if mode == draft.grouping.mode:  # a repeated tap
            return Outcome(edit=self._group_choice(draft))
        grouping = {EACH: Grouping(), SECTORED: Grouping.sectors(),
                    OWN: Grouping(Grouping.sectors().sectored, own=True)}[mode]
        return await self._regrouped(draft, grouping)

    async def draft_alone(self, user_id: int, perspective: str, alone: bool) -> Outcome:
        """In one's own grouping: a perspective on its own, or back in its sector."""
        draft = await self._named_draft(user_id)
        sectored = draft.grouping.sectored
        chosen = sectored - {perspective} if alone else sectored | {perspective}
        return await self._regrouped(draft, Grouping(chosen, own=True))

    async def draft_expect(self, user_id: int, perspective: str, count: int) -> Outcome:
        """How many people the coordinator expects from one perspective."""
        draft = await self._named_draft(user_id)
        return await self.draft_expected(user_id, {**draft.expected, perspective: count}, draft)

    async def draft_expected(self, user_id: int, counts: dict[str, int],
                             draft: Draft | None = None) -> Outcome:
        """How many people the coordinator expects from each perspective; others: nobody."""
        draft = draft or await self._named_draft(user_id)
        expected = {p: max(0, min(counts[p], MOST_EXPECTED)) for p in PERSPECTIVES if p in counts}
        await self.desk.storage.workshops.set_draft_expected(user_id, expected)
        return Outcome(edit=self._group_choice(replace(draft, expected=expected)))

    async def _regrouped(self, draft: Draft, grouping: Grouping) -> Outcome:
        await self.desk.storage.workshops.set_draft_grouping(draft.user_id, grouping)
        return Outcome(edit=self._group_choice(replace(draft, grouping=grouping)))

    async def _named_draft(self, user_id: int) -> Draft:
        """The draft being set up, past its name; a button of an ended one is refused."""
        draft = await self.desk.storage.workshops.draft(user_id)
        if draft is None or draft.municipality is None:
            raise Refused(self._draft_gone())
        return draft

    async def draft_field(self, user_id: int, field_id: str, select: bool) -> Outcome:
        """Select or deselect one field of the workshop being set up."""
        desk = self.desk
        draft = await desk.storage.workshops.draft(user_id)
        if draft is None or draft.municipality is None:
            return self._draft_gone()
        if desk.questionnaire.field(field_id) is None:
            raise refused_button(desk.render)
        chosen = (set(draft.field_ids) | {field_id} if select
                  else set(draft.field_ids) - {field_id})
        selection = tuple(f.id for f in desk.questionnaire.fields if f.id in chosen)
        await desk.storage.workshops.set_draft_fields(user_id, selection)
        return Outcome(edit=self._field_choice(draft.municipality, selection))

    def _draft_gone(self) -> Outcome:
        return Outcome(notice=self.desk.render.text("workshop.notice.draft_gone"), alert=True,
                       clear_keyboard=True)

    async def _create(self, user_id: int, draft: Draft) -> Outcome:
        desk = self.desk
        selected = desk.questionnaire.select(draft.field_ids)
        if not selected:
            return Outcome(notice=desk.render.text("workshop.notice.no_field"), alert=True)
        every_field = len(selected) == len(desk.questionnaire.fields)
        workshop = await desk.storage.workshops.create(
            user_id, new_token(), None if every_field else tuple(f.id for f in selected))
        if workshop is None:  # the same tap twice: the first one created it
            return Outcome(notice=desk.render.text("workshop.notice.draft_gone"),
                           clear_keyboard=True)
        created = Reply(desk.render.html("workshop_created.html.j2", workshop=workshop))
        return Outcome(edit=created, send=(*self.menu.invitation(workshop),
                                           await self.menu.menu(workshop, user_id)))

    def _field_choice(self, municipality: str, field_ids: tuple[str, ...]) -> Reply:
        desk, render = self.desk, self.desk.render
        fields = desk.questionnaire.fields
        selected = desk.questionnaire.select(field_ids)
        rows: list[tuple[Button, ...]] = [
            (Button(render.text("workshop.button.field", field=f, chosen=f in selected,
                                minutes=answer_minutes(len(f.statements))),
                    DraftField(f.id, select=f not in selected)),) for f in fields]
        rows.append((Button(render.text("workshop.button.all_fields"), DraftStep("all")),))
        rows.append((Button(render.text("workshop.button.to_groups"), DraftStep("groups"),
                            primary=True),))
        rows.append((Button(render.text("workshop.button.drop"), DraftStep("drop")),))
        statements = sum(len(f.statements) for f in selected)
        text = render.html("workshop_fields.html.j2", municipality=municipality,
                           selected=selected, total=len(fields), statements=statements,
                           minutes=answer_minutes(statements), minimum=desk.minimum)
        return Reply(text, tuple(rows))

    def _group_choice(self, draft: Draft) -> Reply:
        """How the groups are shown and who is expected, with the groups that would show."""
        desk, render = self.desk, self.desk.render
        grouping, expected = draft.grouping, draft.expected
        shown = forecast(expected, desk.minimum, grouping)
        pooled = next((g.perspectives for g in shown if g.key == FURTHER), ())
        short = [(key, desk.minimum - size) for key, members in grouping.units()
                 if 0 < (size := sum(expected.get(p, 0) for p in members)) < desk.minimum]
        selected = desk.questionnaire.select(draft.field_ids)
        statements = sum(len(f.statements) for f in selected)
        text = render.html(
            "workshop_groups.html.j2", municipality=draft.municipality, grouping=grouping,
            units=grouping.units(), sectors=SECTORS, labels=desk.labels, expected=expected,
            total=sum(expected.values()), shown=shown, pooled=pooled, short=short,
            minimum=desk.minimum, fields=selected, minutes=answer_minutes(statements))
        return Reply(text, self._group_keyboard(grouping, expected))

    def _group_keyboard(self, grouping: Grouping, expected: dict[str, int]) -> Keyboard:
        render, labels = self.desk.render, self.desk.labels
        rows: list[tuple[Button, ...]] = [
            (Button(render.text(f"workshop.button.grouping_{mode}", chosen=grouping.mode == mode),
                    DraftGrouping(mode)),) for mode in (EACH, SECTORED, OWN)]
        if grouping.mode == OWN:
            rows += [(Button(render.text("workshop.button.alone", perspective=labels[p],
                                         sector=labels[SECTOR_OF[p]], alone=grouping.alone(p)),
                             DraftAlone(p, alone=not grouping.alone(p))),)
                     for p in PERSPECTIVES if p in SECTOR_OF]
        for p in PERSPECTIVES:
            count = expected.get(p, 0)
            more = Button(render.text("workshop.button.expect_more", perspective=labels[p],
                                      count=count), DraftExpect(p, min(count + 1, MOST_EXPECTED)))
            rows.append((more, Button(render.text("workshop.button.expect_fewer",
                                                  perspective=labels[p]),
                                      DraftExpect(p, count - 1))) if count else (more,))
        rows.append((Button(render.text("workshop.button.create"), DraftStep("create"),
                            primary=True),))
        rows.append((Button(render.text("workshop.button.to_fields"), DraftStep("fields")),
                     Button(render.text("workshop.button.drop"), DraftStep("drop"))))
        return tuple(rows)

    def _all_field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.desk.questionnaire.fields)
