"""The one place the browser channel meets the flows: input in, ``Flows.act`` called.

Pages know commands by name, buttons by the string in a form field (the same
codec as Telegram's callback data, :mod:`bot.flows.buttons`) and typed text;
this module decodes each into one action and hands back the
:class:`~bot.flows.outcome.Outcome`. Everything else in :mod:`bot.web` is
independent of how the flows are called.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows import commands
from bot.flows.actions import DraftStep, EnterPaperSheet, ManageWorkshop, NameSkip, Start, Text
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

    async def invitation(self, person: int, kind: str, token: str) -> Outcome:
        """An invitation link (``kind`` "w" to take part, "k" to co-coordinate), strictly parsed."""
        return await self.flows.act(person, Start(parse(kind, token) or UnknownPayload()))

    async def manage(self, person: int, workshop_id: int) -> Outcome:
        """A workshop's menu, as a coordinator's management link opens it."""
        return await self.flows.act(person, ManageWorkshop("menu", workshop_id))

    async def paper_sheet(self, person: int, workshop_id: int, code: str, perspective: str,
                          answers: str) -> Outcome:
        """A paper sheet from the entry form: its code, perspective and a letter per statement."""
        return await self.flows.act(person, EnterPaperSheet(workshop_id, code, perspective,
                                                            answers))

    @staticmethod
    def value(button: Button) -> str | None:
        """What a form sends for this button (``None`` for a link button)."""
        return encode(button.action) if button.action is not None else None

    @staticmethod
    def asks_for_text(buttons: list[Button]) -> bool:
        """A message with these buttons waits for a typed name (report or workshop)."""
        return any(isinstance(b.action, NameSkip) or b.action == DraftStep("drop")
                   for b in buttons)

    @staticmethod
    def managed_workshop(buttons: list[Button]) -> int | None:
        """The workshop a coordinator's menu with these buttons manages, if any."""
        return next((b.action.workshop_id for b in buttons
                     if isinstance(b.action, ManageWorkshop)), None)

    async def note_activity(self, person: int) -> None:
        await self.flows.note_activity(person)
