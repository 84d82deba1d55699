"""Callback data of inline buttons: short, self-describing and validated.

Buttons live on in the chat for days and across restarts, and anybody can send
arbitrary callback data, so a button names exactly what it answers (run,
statement, choice) and every incoming string is parsed against a strict
pattern. Anything that does not match is rejected as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    "keep": re.compile(r"keep"),
    "begin": re.compile(r"begin"),
}


@dataclass(frozen=True)
class Callback:
    action: str
    run_id: int | None = None
    statement_id: str | None = None
    choice: str | None = None


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
                            statement_id=groups.get("statement"), choice=groups.get("choice"))
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


KEEP = "keep"
BEGIN = "begin"


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
