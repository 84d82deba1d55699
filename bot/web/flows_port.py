"""The one place the browser channel meets the flows: input in, ``Flows.act`` called.

Pages know commands by name, buttons by the string in a form field (the same
codec as Telegram's callback data, :mod:`bot.flows.buttons`) and forms by
what :mod:`bot.web.forms` decodes them to;
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
    Action,
    Answer,
    AnswerAgain,
    AnswerField,
    Back,
    ButtonAction,
    DraftExpect,
    DraftExpected,
    EnterPaperSheet,
    Erase,
    ManageWorkshop,
    Resume,
    Show,
    Start,
)
from bot.flows.buttons import decode, encode
from bot.flows.commands import Given
from bot.flows.dispatch import Flows
from bot.flows.field_sheet import FieldSheet
from bot.flows.invitations import UnknownPayload, parse
from bot.flows.outcome import Button, Message, Outcome
from bot.flows.place import Place
from bot.flows.standing import Standing

NAVIGATION = commands.navigation()  # the commands a page offers, in this order


@dataclass(frozen=True)
class FlowsPort:
    flows: Flows

    async def start(self, person: int) -> Outcome:
        """What a person sees on arriving: the welcome, or where they stand."""
        return await self.flows.act(person, Start(None))

    @staticmethod
    def action(kind: str, value: str) -> Action | None:
        """What a form asks for: a ``command`` of the navigation, a pressed ``action``
        button (its encoded action) or the set-up's ``expected`` people
        (:func:`bot.web.setup_form.expected_text`); ``None`` for what a page does not
        offer (a command a page does not take, a button that decodes to nothing). The
        forms the flows ask for are decoded by :func:`bot.web.forms.sent`."""
        match kind:
            case "command":
                return commands.action(value, Given(on_page=True))
            case "action":
                return decode(value)
            case "expected":
                return _expected(value)
        return None

    async def act(self, person: int, action: Action | None) -> Outcome:
        """``None``: the polite refusal of a button that means nothing."""
        if action is None:
            return self.flows.refuse_button()
        return await self.flows.act(person, action)

    async def command(self, person: int, name: str) -> Outcome | None:
        """A command from a page's navigation; ``None`` for one a page does not offer."""
        action = self.action("command", name)
        return await self.flows.act(person, action) if action is not None else None

    async def show(self, person: int, place: Place) -> Outcome:
        """The page at ``place`` from what is stored: a GET changes nothing."""
        return await self.flows.act(person, Show(place))

    def place_of(self, action: Action, messages: tuple[Message, ...]) -> Place:
        return self.flows.place_of(action, messages)

    def title(self, place: Place) -> str:
        return self.flows.title(place)

    @staticmethod
    def remembered(action: Action) -> bool:
        """Whether the page after ``action`` shows its outcome once: „Weiter“ only goes to
        where the person stands, and „Zurück“ to the statement before, which their pages
        show from what is stored anyway (the latter with the way forward again)."""
        return not isinstance(action, Resume | Show | Back)

    @staticmethod
    def confirmed_in_text(action: Action) -> bool:
        """An answer's page confirms it in its text („✓ Ihre Antwort zu 1.2: …“): the short
        notice would say it a second time."""
        return isinstance(action, Answer | AnswerAgain)

    @staticmethod
    def link(button: Button) -> Place | None:
        """The page a button opens (a link, not a form), if it is one."""
        return button.action.place if isinstance(button.action, Show) else None

    @staticmethod
    def field_answers(run_id: int, field_id: str,
                      choices: tuple[tuple[str, str], ...]) -> Action:
        """A field page's answers, as (statement id, choice) pairs the form sent."""
        return AnswerField(run_id, field_id, choices)

    async def field_sheet(self, person: int, field_id: str) -> FieldSheet | None:
        return await self.flows.field_sheet(person, field_id)

    async def standing(self, person: int) -> Standing:
        return await self.flows.standing(person)

    async def invitation(self, person: int, kind: str, token: str) -> Outcome:
        """An invitation link (``kind`` "w" to take part, "k" to co-coordinate), strictly parsed."""
        return await self.flows.act(person, self.invitation_action(kind, token))

    @staticmethod
    def invitation_action(kind: str, token: str) -> Action:
        return Start(parse(kind, token) or UnknownPayload())

    async def manage(self, person: int, workshop_id: int) -> Outcome:
        """A workshop's menu, as a coordinator's management link opens it."""
        return await self.flows.act(person, ManageWorkshop("menu", workshop_id))

    async def paper_sheet(self, person: int, workshop_id: int, code: str, perspective: str,
                          answers: str) -> Outcome:
        """A paper sheet from the entry form: its code, perspective and a letter per statement."""
        return await self.flows.act(person, EnterPaperSheet(workshop_id, code, perspective,
                                                            answers))

    @staticmethod
    def encoded(action: ButtonAction) -> str:
        """What a form sends for a button with this action."""
        return encode(action)

    @staticmethod
    def value(button: Button) -> str | None:
        """What a form sends for this button (``None`` for a link button)."""
        if button.action is None or isinstance(button.action, Show):
            return None
        return encode(button.action)

    @staticmethod
    def erases(action: Action) -> bool:
        """Whether the action confirms deleting the person's data: only then may the person
        be gone after it, so only then is the session looked up again."""
        return isinstance(action, Erase)

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


def _expected(text: str) -> DraftExpected:
    """"politik=3,bildung=2": a number per perspective id; anything else (a perspective
    unknown, a number out of range or no number) is left out."""
    pairs = dict(item.split("=", 1) for item in text.split(",") if "=" in item)
    return DraftExpected(tuple((p, int(pairs[p])) for p in PERSPECTIVES
                               if pairs.get(p, "").isdigit() and int(pairs[p]) <= MOST_EXPECTED))
