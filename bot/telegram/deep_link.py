"""Telegram's deep links: the payload of ``/start PAYLOAD`` and the links into the private chat.

Telegram passes ``t.me/<bot>?start=<payload>`` to the bot as ``/start <payload>``.
A payload arrives from a link anybody can edit, so it is parsed before anything
else happens, in one place (:func:`bot.flows.invitations.read_payload`, which
the command table uses too), against the exact form of each payload the bot
hands out: a forged or mangled payload never reaches the database as anything
but a well-formed token. The links the bot hands out are built here, within
what Telegram allows (1-64 characters ``A-Za-z0-9_-``), and only from payloads
that parse back to themselves.

A payload is an invitation's kind letter, ``_`` and its token
(:data:`bot.flows.invitations.KINDS`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.flows.invitations import Invitation, StartPayload, UnknownPayload, kind_of, read_payload

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def parse_start(args: Sequence[str] | None) -> StartPayload | None:
    """The meaning of ``/start``'s arguments; ``None`` for a plain ``/start``."""
    return read_payload(" ".join(args or ()))


def payload_of(args: Sequence[str] | None) -> str | None:
    """The payload text if the bot understands it, to pass it on unchanged (else ``None``)."""
    parsed = parse_start(args)
    if parsed is None or isinstance(parsed, UnknownPayload):
        return None
    return _payload(parsed)


def _payload(invitation: Invitation) -> str:
    return f"{kind_of(invitation)}_{invitation.token}"


def start_link(bot_username: str, invitation: Invitation) -> str:
    """The ``t.me`` link that opens the private chat and sends ``/start <payload>``."""
    payload = _payload(invitation)
    if parse_start([payload]) != invitation:
        raise ValueError(f"not a valid invitation token: {invitation.token!r}")
    return private_chat_link(bot_username, payload)


def private_chat_link(bot_username: str, payload: str | None = None) -> str:
    """A t.me link that opens the private chat with the bot (and sends ``/start payload``)."""
    if payload is not None and not _PAYLOAD.fullmatch(payload):
        raise ValueError(f"not a valid deep-link payload: {payload!r}")
    return f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")
