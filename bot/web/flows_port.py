"""The one place the browser channel meets the flows: input in, ``Flows.act`` called.

Pages know commands by name, buttons by the string in a form field (the same
codec as Telegram's callback data, :mod:`bot.flows.buttons`) and typed text;
this module decodes each into one action and hands back the
:class:`~bot.flows.outcome.Outcome`. Everything else in :mod:`bot.web` is
independent of how the flows are called.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.perspectives import PERSPECTIVES
from bot.flows import commands
from bot.flows.actions import (
    MOST_EXPECTED,
    DraftExpect,
    DraftExpected,
    DraftField,
    DraftStep,
    ManageWorkshop,
    NameSkip,
    Start,
    Text,
)
from bot.flows.buttons import decode, encode
from bot.flows.commands import Given
from bot.flows.dispatch import Flows
from bot.flows.invitations import UnknownPayload, parse
from bot.flows.outcome import Button, Outcome

NAVIGATION = commands.navigation()  # the commands a page offers, in this order


@dataclass(frozen=True)
class FlowsPort:
    flows: Flows

    async def start(self, person: int) -> Outcome:
        """What a person sees on arriving: the welcome, or where they stand."""
        return await self.flows.act(person, Start(None))

    async def command(self, person: int, name: str) -> Outcome | None:
        """A command from a page's navigation (or its own buttons); ``None`` for one a page
        does not offer."""
        action = commands.action(name, Given(on_page=True))
        if action is None:
            return None
        return await self.flows.act(person, action)

    async def button(self, person: int, value: str) -> Outcome:
        """A pressed form button: its value is the button's encoded action."""
        action = decode(value)
        if action is None:
            return self.flows.refuse_button()
        return await self.flows.act(person, action)

    async def text(self, person: int, text: str) -> Outcome:
        """Typed text: a name the flows asked for, else a hint."""
        return await self.flows.act(person, Text(text))

    async def expected(self, person: int, numbers: dict[str, str]) -> Outcome:
        """The set-up's form of expected people: a number per perspective id; anything else
        (a perspective unknown, a number out of range) is left out."""
        counts = tuple((p, int(numbers[p])) for p in PERSPECTIVES
                       if numbers.get(p, "").isdigit() and int(numbers[p]) <= MOST_EXPECTED)
        return await self.flows.act(person, DraftExpected(counts))

    async def invitation(self, person: int, kind: str, token: str) -> Outcome:
        """An invitation link (``kind`` "w" to take part, "k" to co-coordinate), strictly parsed."""
        return await self.flows.act(person, Start(parse(kind, token) or UnknownPayload()))

    async def manage(self, person: int, workshop_id: int) -> Outcome:
        """A workshop's menu, as a coordinator's management link opens it."""
        return await self.flows.act(person, ManageWorkshop("menu", workshop_id))

    @staticmethod
    def value(button: Button) -> str | None:
        """What a form sends for this button (``None`` for a link button)."""
        return encode(button.action) if button.action is not None else None

    @staticmethod
    def asks_for_text(buttons: list[Button]) -> bool:
        """A message with these buttons waits for a typed name (report or workshop): the
        workshop's name is asked with the one button that drops the draft, while the later
        steps of setting it up offer more than that."""
        drafting = [b for b in buttons if isinstance(b.action, DraftStep | DraftField)]
        return (any(isinstance(b.action, NameSkip) for b in buttons)
                or [b.action for b in drafting] == [DraftStep("drop")])

    @staticmethod
    def expected_count(row: tuple[Button, ...]) -> tuple[str, int] | None:
        """A row of the set-up's "one more / one fewer" buttons as the perspective and the
        number they change: a page shows it as a number field instead. Only "one more"
        (to 1) while nobody is expected; "one fewer" otherwise, one below the number."""
        steps = [b.action for b in row if isinstance(b.action, DraftExpect)]
        if not steps or len(steps) != len(row):
            return None
        return steps[-1].perspective, steps[1].count + 1 if len(steps) == 2 else 0

    @staticmethod
    def managed_workshop(buttons: list[Button]) -> int | None:
        """The workshop a coordinator's menu with these buttons manages, if any."""
        return next((b.action.workshop_id for b in buttons
                     if isinstance(b.action, ManageWorkshop)), None)

    async def note_activity(self, person: int) -> None:
        await self.flows.note_activity(person)
