"""The flows' forms in a page: shown as fields, and a sent form decoded once into an action.

A :class:`~bot.flows.outcome.Form` names itself by its ``key`` (the action that
opened it, carried in the hidden field ``form`` in the codec of
:mod:`bot.flows.buttons`); its fields come back by their names. Here, and only
here, the two become one typed action of :mod:`bot.flows.actions`: every value
is checked for its kind and size, and what the flows judge (lengths, the most
that may be chosen) is left to them, so they can say it next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import FormData

from bot.domain.workshop import PERSPECTIVES
from bot.flows.actions import (
    Action,
    ChangeChosen,
    ChangePerspective,
    ChoosePerspective,
    ChooseSteps,
    EditNextStep,
    EnterNextStep,
    Priorities,
    ReviewField,
    Text,
)
from bot.flows.buttons import decode as decode_button
from bot.flows.buttons import encode, valid_id
from bot.flows.outcome import TYPED_TEXT, Button, Choice, Confirmation, Form, TextInput

MAX_VALUE = 1_000  # a typed value's characters; the flows' limits are lower and said in the form
MAX_CHOSEN = 30  # boxes ticked at once: more than a field has suggestions
CHOICES = frozenset("ABCDE")  # the scale's keys, as a button carries them


@dataclass(frozen=True)
class ShownButton:
    label: str
    value: str | None = None  # sent by the form: the button's encoded action
    url: str | None = None  # a link button
    primary: bool = False  # the step the page leads to, styled as such


@dataclass(frozen=True)
class ShownForm:
    """A form as a page shows it: ``key`` goes back in the hidden field ``form``."""

    key: str
    fields: tuple[TextInput | Choice, ...]
    submit: str
    back: ShownButton
    others: tuple[ShownButton, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ShownConfirmation:
    confirm: ShownButton
    cancel: ShownButton


def shown_ask(ask: Form | Confirmation,
              button: Callable[[Button], ShownButton]) -> ShownForm | ShownConfirmation:
    """What a message asks for, its buttons shown as a page shows any (a form's or a link)."""
    if isinstance(ask, Confirmation):
        return ShownConfirmation(button(ask.confirm), button(ask.cancel))
    return ShownForm(encode(ask.key) if ask.key is not None else "", ask.fields, ask.submit,
                     button(ask.back), tuple(button(b) for b in ask.others), ask.error)


def sent(form: FormData) -> Action | None:
    """The action a sent form means, or ``None`` for a malformed or unknown one."""
    key = form.get("form")
    if not isinstance(key, str):
        return None
    if key == "":
        text = _value(form, TYPED_TEXT)
        return Text(text) if text is not None else None
    match decode_button(key):
        case EditNextStep(workshop_id, int(position)):
            values = [_value(form, name) for name in ("what", "who", "due")]
            if any(v is None for v in values):
                return None
            what, who, due = (v or "" for v in values)
            return EnterNextStep(workshop_id, position, what, who, due)
        case Priorities(run_id, str(field_id)):
            chosen = form.getlist("steps")
            if len(chosen) > MAX_CHOSEN or not all(isinstance(s, str) and valid_id(s)
                                                   for s in chosen):
                return None
            return ChooseSteps(run_id, field_id, tuple(dict.fromkeys(str(s) for s in chosen)))
        case ReviewField(run_id, field_id, page):
            statement, choice = form.get("statement", ""), form.get("choice", "")
            if not (isinstance(statement, str) and (statement == "" or valid_id(statement))
                    and isinstance(choice, str) and (choice == "" or choice in CHOICES)):
                return None
            return ChangeChosen(run_id, field_id, page or 0, statement, choice)
        case ChangePerspective(workshop_id):
            perspective = form.get("perspective", "")
            if perspective != "" and perspective not in PERSPECTIVES:
                return None
            return ChoosePerspective(workshop_id, str(perspective))  # "": none chosen
    return None


def _value(form: FormData, name: str) -> str | None:
    """A typed value (possibly empty), or ``None`` if missing, doubled or oversized."""
    values = form.getlist(name)
    if len(values) != 1 or not isinstance(values[0], str) or len(values[0]) > MAX_VALUE:
        return None
    return values[0]
