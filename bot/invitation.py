"""Invitation links: the ``/start`` payload, parsed in one place, and the QR code of a link.

Telegram passes ``t.me/<bot>?start=<payload>`` to the bot as ``/start <payload>``;
the payload is at most 64 characters of [A-Za-z0-9_-]. Everything a person
can type after /start arrives here first and is validated before any lookup,
so a forged or mangled payload never reaches the database as anything but a
well-formed token.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import segno

MAX_PAYLOAD = 64
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = r"[A-Za-z0-9_-]{22}"
_KINDS: dict[str, re.Pattern[str]] = {
    "workshop": re.compile(rf"w_(?P<token>{_TOKEN})"),
    "coordinator": re.compile(rf"k_(?P<token>{_TOKEN})"),
}
_PREFIX = {"workshop": "w_", "coordinator": "k_"}

Kind = Literal["plain", "workshop", "coordinator", "invalid"]


@dataclass(frozen=True)
class StartRequest:
    """What a ``/start`` asks for: the plain welcome, a workshop, co-coordination, or nonsense."""

    kind: Kind
    token: str | None = None


def parse_start(args: Sequence[str] | None) -> StartRequest:
    if not args:
        return StartRequest("plain")
    payload = args[0]
    if len(args) > 1 or not _PAYLOAD.fullmatch(payload):
        return StartRequest("invalid")
    for kind, pattern in _KINDS.items():
        match = pattern.fullmatch(payload)
        if match:
            return StartRequest(kind, match.group("token"))  # type: ignore[arg-type]
    return StartRequest("invalid")


def start_link(bot_username: str, kind: Literal["workshop", "coordinator"], token: str) -> str:
    payload = f"{_PREFIX[kind]}{token}"
    if not _KINDS[kind].fullmatch(payload) or len(payload) > MAX_PAYLOAD:
        raise ValueError(f"not a valid {kind} token: {token!r}")
    return f"https://t.me/{bot_username}?start={payload}"


def qr_png(link: str) -> bytes:
    """A PNG of the link's QR code, large enough to project or print."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()
