"""Telegram's deep links: the payload of ``/start PAYLOAD`` and the links into the private chat.

Telegram passes ``t.me/<bot>?start=<payload>`` to the bot as ``/start <payload>``.
A payload arrives from a link anybody can edit, so it is parsed here, in one
place, against what Telegram allows (1-64 characters ``A-Za-z0-9_-``) and
against the exact form of each payload the bot hands out, before anything
else happens: a forged or mangled payload never reaches the database as
anything but a well-formed token. The links the bot hands out are built here
too, and only from payloads that parse back to themselves.

A feature that hands out links adds its payload type (in
:mod:`bot.flows.invitations`) with its prefix to ``_PREFIXES``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.flows.invitations import (
    CoordinatorInvitation,
    Invitation,
    StartPayload,
    UnknownPayload,
    WorkshopInvitation,
)

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")  # see bot.domain.workshop.new_token


_PREFIXES: dict[str, type[WorkshopInvitation] | type[CoordinatorInvitation]] = {
    "w_": WorkshopInvitation,
    "k_": CoordinatorInvitation,
}


def parse_start(args: Sequence[str] | None) -> StartPayload | None:
    """The meaning of ``/start``'s arguments; ``None`` for a plain ``/start``."""
    if not args:
        return None
    if len(args) == 1 and _PAYLOAD.fullmatch(args[0]):
        prefix, token = args[0][:2], args[0][2:]
        kind = _PREFIXES.get(prefix)
        if kind is not None and _TOKEN.fullmatch(token):
            return kind(token)
    return UnknownPayload()


def payload_of(args: Sequence[str] | None) -> str | None:
    """The payload text if the bot understands it, to pass it on unchanged (else ``None``)."""
    parsed = parse_start(args)
    if parsed is None or isinstance(parsed, UnknownPayload):
        return None
    return _payload(parsed)


def _payload(invitation: Invitation) -> str:
    prefix = next(p for p, kind in _PREFIXES.items() if isinstance(invitation, kind))
    return prefix + invitation.token


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
