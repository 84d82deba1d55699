"""Callback data of inline buttons: short, self-describing and validated.

Buttons live on in the chat for days and across restarts, and anybody can send
arbitrary callback data, so a button names exactly what it answers (run,
statement, choice) and every incoming string is parsed against a strict
pattern. Anything that does not match is rejected as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.workshop import PERSPECTIVES

MAX_BYTES = 64  # Telegram's limit for callback_data

_ID = r"[a-z][a-z0-9_-]{0,23}"
_RUN = r"[1-9][0-9]{0,11}"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "answer": re.compile(rf"a:(?P<run>{_RUN}):(?P<statement>{_ID}):(?P<choice>[A-E])"),
    "back": re.compile(rf"b:(?P<run>{_RUN}):(?P<statement>{_ID})"),
    "info": re.compile(rf"i:(?P<run>{_RUN}):(?P<statement>{_ID})"),
    "pause": re.compile(rf"p:(?P<run>{_RUN})"),
    "results": re.compile(rf"r:(?P<run>{_RUN})"),
    "cancel": re.compile(rf"x:(?P<run>{_RUN})"),
    "continue": re.compile(rf"s:(?P<run>{_RUN})"),  # switch to another open run
    "keep": re.compile(r"keep"),
    "begin": re.compile(r"begin"),
}


@dataclass(frozen=True)
class Callback:
    action: str
    run_id: int | None = None
    statement_id: str | None = None
    choice: str | None = None
    field_id: str | None = None
    page: int | None = None


def decode(data: str | None) -> Callback | None:
    """The button's meaning, or ``None`` for anything malformed, oversized or unknown."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    for action, pattern in _PATTERNS.items():
        match = pattern.fullmatch(data)
        if match:
            groups = match.groupdict()
            return Callback(action=action,
                            run_id=int(groups["run"]) if "run" in groups else None,
                            statement_id=groups.get("statement"), choice=groups.get("choice"),
                            field_id=groups.get("field"),
                            page=int(groups["page"]) if groups.get("page") else None)
    return None


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def answer(run_id: int, statement_id: str, choice: str) -> str:
    return _checked(f"a:{run_id}:{statement_id}:{choice}")


def back(run_id: int, statement_id: str) -> str:
    return _checked(f"b:{run_id}:{statement_id}")


def info(run_id: int, statement_id: str) -> str:
    return _checked(f"i:{run_id}:{statement_id}")


def pause(run_id: int) -> str:
    return f"p:{run_id}"


def results(run_id: int) -> str:
    return f"r:{run_id}"


def cancel(run_id: int) -> str:
    return f"x:{run_id}"


def continue_run(run_id: int) -> str:
    return f"s:{run_id}"


KEEP = "keep"
BEGIN = "begin"


# --- results: review and change answers, the printable report, the municipality's name ---
# Own prefixes: "v" (view a field's answers), "c" (change one answer), "d" (document),
# "n" (name of the municipality). Opening a review ("vl", "v" without a page) sends a
# new message; moving inside one ("vb", "v" with a page, "c") edits it in place.
_PATTERNS.update({
    "review_fields": re.compile(rf"vl:(?P<run>{_RUN})"),
    "review_fields_here": re.compile(rf"vb:(?P<run>{_RUN})"),
    "review_field": re.compile(rf"v:(?P<run>{_RUN}):(?P<field>{_ID})"),
    "review_page": re.compile(rf"v:(?P<run>{_RUN}):(?P<field>{_ID}):(?P<page>[0-9]{{1,2}})"),
    "change_open": re.compile(rf"c:(?P<run>{_RUN}):(?P<statement>{_ID})"),
    "change": re.compile(rf"c:(?P<run>{_RUN}):(?P<statement>{_ID}):(?P<choice>[A-E])"),
    "report": re.compile(rf"d:(?P<run>{_RUN})"),
    "name_ask": re.compile(rf"n:a:(?P<run>{_RUN})"),
    "name_skip": re.compile(r"n:s"),
    "name_remove": re.compile(r"n:r"),
})
RESULTS_PATTERN = r"^(v[lb]?|c|d|n):"  # routes these buttons to the results handler


def review_fields(run_id: int) -> str:
    return f"vl:{run_id}"


def review_fields_here(run_id: int) -> str:
    return f"vb:{run_id}"


def review_field(run_id: int, field_id: str, page: int | None = None) -> str:
    suffix = "" if page is None else f":{page}"
    return _checked(f"v:{run_id}:{field_id}{suffix}")


def change_open(run_id: int, statement_id: str) -> str:
    return _checked(f"c:{run_id}:{statement_id}")


def change(run_id: int, statement_id: str, choice: str) -> str:
    return _checked(f"c:{run_id}:{statement_id}:{choice}")


def report(run_id: int) -> str:
    return f"d:{run_id}"


def name_ask(run_id: int) -> str:
    return f"n:a:{run_id}"


NAME_SKIP = "n:s"
NAME_REMOVE = "n:r"


# --- workshop buttons ("w…"): handled by bot/flows/workshop_desk.py -----------------

WORKSHOP_PATTERN = r"^w[a-z]?:"  # every workshop button, for the CallbackQueryHandler
MANAGE_ACTIONS = ("menu", "status", "result", "invite", "renew", "close", "share", "csv",
                  "pdf", "cocoord", "delete", "release", "remind", "steps")
CONFIRMED_ACTIONS = ("renew", "close", "share", "delete", "cocoord")
DRAFT_ACTIONS = ("all", "create", "drop", "new")
_WS = _RUN
_WORKSHOP_PATTERNS: dict[str, re.Pattern[str]] = {
    # a coordinator's menu: w:<action>:<workshop>
    "manage": re.compile(rf"w:(?P<what>{'|'.join(MANAGE_ACTIONS)}):(?P<ws>{_WS})"),
    # "yes" to a question about a change, at the workshop revision it was asked at
    "confirm": re.compile(
        rf"wy:(?P<what>{'|'.join(CONFIRMED_ACTIONS)}):(?P<ws>{_WS}):(?P<rev>0|[1-9][0-9]{{0,8}})"),
    # a participant's perspective, and changing it before the first answer
    "perspective": re.compile(rf"wp:(?P<ws>{_WS}):(?P<what>{'|'.join(PERSPECTIVES)})"),
    "perspective_change": re.compile(rf"wp:(?P<ws>{_WS}):(?P<what>neu)"),
    # agreed next steps: type one (in place 1–5, or a new one), or remove one
    "step_edit": re.compile(rf"wn:(?P<ws>{_WS}):(?P<what>[1-5]|neu)"),
    "step_remove": re.compile(rf"wx:(?P<ws>{_WS}):(?P<what>[1-5])"),
    # the creator removes a co-coordinator (named by their user id, never shown)
    "cocoord_remove": re.compile(rf"wk:(?P<ws>{_WS}):(?P<what>[1-9][0-9]{{0,14}})"),
    # setting a workshop up: select (+) or deselect (-) one field – a state, not a
    # toggle, so a repeated tap or update changes nothing – or all / create / drop / new
    "draft_field": re.compile(rf"wd:(?P<select>[+-]):(?P<what>{_ID})"),
    "draft": re.compile(rf"wd:(?P<what>{'|'.join(DRAFT_ACTIONS)})"),
}


@dataclass(frozen=True)
class WorkshopCallback:
    action: str
    what: str
    workshop_id: int | None = None
    revision: int | None = None
    select: bool | None = None  # draft_field: select the field (or deselect it)


def decode_workshop(data: str | None) -> WorkshopCallback | None:
    """A workshop button's meaning, or ``None`` for anything malformed or unknown."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    for action, pattern in _WORKSHOP_PATTERNS.items():
        match = pattern.fullmatch(data)
        if match:
            groups = match.groupdict()
            return WorkshopCallback(
                action=action, what=groups["what"],
                workshop_id=int(groups["ws"]) if "ws" in groups else None,
                revision=int(groups["rev"]) if "rev" in groups else None,
                select=groups["select"] == "+" if "select" in groups else None)
    return None


def manage(action: str, workshop_id: int) -> str:
    assert action in MANAGE_ACTIONS, action
    return f"w:{action}:{workshop_id}"


def confirm(action: str, workshop_id: int, revision: int) -> str:
    assert action in CONFIRMED_ACTIONS, action
    return _checked(f"wy:{action}:{workshop_id}:{revision}")


def perspective(workshop_id: int, perspective_id: str) -> str:
    assert perspective_id in PERSPECTIVES, perspective_id
    return _checked(f"wp:{workshop_id}:{perspective_id}")


def change_perspective(workshop_id: int) -> str:
    return f"wp:{workshop_id}:neu"


def remove_cocoord(workshop_id: int, user_id: int) -> str:
    return _checked(f"wk:{workshop_id}:{user_id}")


def step_edit(workshop_id: int, position: int | None) -> str:
    """Type the step in ``position``; ``None``: a new one in the first free place."""
    return f"wn:{workshop_id}:{position or 'neu'}"


def step_remove(workshop_id: int, position: int) -> str:
    return f"wx:{workshop_id}:{position}"


def draft_field(field_id: str, select: bool) -> str:
    return _checked(f"wd:{'+' if select else '-'}:{field_id}")


def draft(action: str) -> str:
    assert action in DRAFT_ACTIONS, action
    return f"wd:{action}"


# --- deleting one's data (/loeschen) ----------------------------------------------
# Own prefix and handler, so no other button can ever reach the deletion.

DELETION_PREFIX = r"^del:"
_DELETION = re.compile(r"del:(?:(?P<issued>[1-9][0-9]{0,11})|(?P<no>no))")


@dataclass(frozen=True)
class Deletion:
    """``confirmed`` with the time the question was asked, or the "keep my data" answer."""

    confirmed: bool
    issued_at: int | None = None


def decode_deletion(data: str | None) -> Deletion | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    match = _DELETION.fullmatch(data)
    if match is None:
        return None
    if match["no"]:
        return Deletion(confirmed=False)
    return Deletion(confirmed=True, issued_at=int(match["issued"]))


def delete(issued_at: int) -> str:
    return _checked(f"del:{issued_at}")


DELETE_NO = "del:no"
