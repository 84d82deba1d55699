"""The one place the browser channel meets the flows.

Pages know commands by name, buttons by the string in a form field and typed
text; this module turns each into one call of the flows and hands back the
:class:`~bot.flows.outcome.Outcome`. Everything else in :mod:`bot.web` is
independent of how the flows are called, so a change of the flows' surface
is a change here alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.flows import callback_data as cb
from bot.flows import deep_link
from bot.flows.outcome import Button, Outcome
from bot.flows.privacy import Privacy
from bot.flows.selfcheck import SelfCheck
from bot.flows.workshop_desk import WorkshopDesk

# The navigation: the commands a page offers, in this order.
COMMANDS: tuple[str, ...] = ("weiter", "ergebnis", "bericht", "workshop", "hilfe", "datenschutz",
                             "loeschen")


@dataclass
class FlowsPort:
    selfcheck: SelfCheck
    privacy: Privacy
    workshops: WorkshopDesk | None
    help_commands: Mapping[str, str]

    async def start(self, person: int) -> Outcome:
        """What a person sees on arriving: the welcome, or where they stand."""
        return await self.selfcheck.start(person)

    async def command(self, person: int, name: str) -> Outcome:
        match name:
            case "weiter":
                return await self.selfcheck.resume(person)
            case "ergebnis":
                return await self.selfcheck.results(person)
            case "bericht":
                return await self.selfcheck.results_core.report(person)
            case "workshop" if self.workshops is not None:
                return await self.workshops.command(person)
            case "hilfe":
                return self.selfcheck.help(self.help_commands)
            case "datenschutz":
                return self.privacy.statement()
            case "loeschen":
                return await self.privacy.erase_request(person)
            case "abbrechen":
                return await self.selfcheck.cancel_request(person)
        return await self.selfcheck.hint(person, f"/{name}")

    async def button(self, person: int, value: str) -> Outcome:
        """A pressed form button: its value is the button's encoded action."""
        if cb.decode_deletion(value) is not None:
            return await self.privacy.erase(person, value)
        if cb.decode_workshop(value) is not None and self.workshops is not None:
            return await self.workshops.press(person, value)
        decoded = cb.decode(value)
        if decoded is not None and decoded.action in _RESULTS_ACTIONS:
            return await self.selfcheck.results_core.press(person, value)
        return await self.selfcheck.press(person, value)

    async def text(self, person: int, text: str) -> Outcome:
        """Typed text: a name the flows asked for, else a hint."""
        workshops = self.workshops
        return (await self.selfcheck.results_core.name_message(person, text)
                or (await workshops.text(person, text) if workshops is not None else None)
                or await self.selfcheck.hint(person))

    async def invitation(self, person: int, payload: str) -> Outcome:
        """An invitation link's payload (``w_<token>``), parsed as strictly as in Telegram."""
        parsed = deep_link.parse_start([payload])
        if isinstance(parsed, deep_link.WorkshopInvitation | deep_link.CoordinatorInvitation) \
                and self.workshops is not None:
            return await self.workshops.open_link(person, parsed)
        return await self.selfcheck.start(person, unknown_link=True)

    @staticmethod
    def value(button: Button) -> str | None:
        """What a form sends for this button (``None`` for a link button)."""
        return button.data

    @staticmethod
    def asks_for_text(buttons: list[Button]) -> bool:
        """A message with these buttons waits for a typed name (report or workshop)."""
        return any(b.data in (cb.NAME_SKIP, cb.draft("drop")) for b in buttons)

    async def note_activity(self, person: int) -> None:
        await self.privacy.touch(person)

    async def delete_expired(self) -> int:
        return await self.privacy.delete_expired()

    async def beat(self) -> None:
        await self.selfcheck.storage.beat()


_RESULTS_ACTIONS = frozenset({"review_fields", "review_fields_here", "review_field", "review_page",
                              "change_open", "change", "report", "name_ask", "name_skip",
                              "name_remove"})
