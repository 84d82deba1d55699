"""The invitations a workshop hands out, as flow inputs: what ``/start PAYLOAD`` can mean.

How an invitation travels (a ``t.me`` deep link, a web address) is each
channel's business; the flows only meet the parsed, validated values.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkshopInvitation:
    """Join a workshop as a participant."""

    token: str


@dataclass(frozen=True)
class CoordinatorInvitation:
    """Become a co-coordinator of a workshop (a one-time link)."""

    token: str


@dataclass(frozen=True)
class UnknownPayload:
    """A payload this bot does not understand: broken, mistyped or forged."""


Invitation = WorkshopInvitation | CoordinatorInvitation
StartPayload = Invitation | UnknownPayload

TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")  # as bot.domain.workshop.new_token makes them
# The letter that names each kind of invitation in a link (``w_…`` in Telegram, ``/w/…`` on the
# web). A feature that hands out links adds its invitation type here.
KINDS: dict[str, type[WorkshopInvitation] | type[CoordinatorInvitation]] = {
    "w": WorkshopInvitation,
    "k": CoordinatorInvitation,
}


def parse(kind: str, token: str) -> Invitation | None:
    """The invitation a link names, checked strictly; ``None`` for anything else."""
    invitation_type = KINDS.get(kind)
    if invitation_type is None or not TOKEN.fullmatch(token):
        return None
    return invitation_type(token)


def read_payload(text: str) -> StartPayload | None:
    """What a start payload means: an invitation's kind letter, ``_`` and its token; ``None``
    without one, :class:`UnknownPayload` for anything else."""
    if not text:
        return None
    invitation = parse(text[0], text[2:]) if text[1:2] == "_" else None
    return invitation or UnknownPayload()


def kind_of(invitation: Invitation) -> str:
    """The letter that names ``invitation``'s kind in a link."""
    return next(kind for kind, invitation_type in KINDS.items()
                if isinstance(invitation, invitation_type))
# The link that carries an invitation into a channel: the browser's ``https://…/w/…``, or
# ``https://t.me/<bot>?start=w_…`` into Telegram.
InvitationLink = Callable[[Invitation], str]
# A coordinator's private link that opens a workshop's management (and its projector view) in
# the browser, for (person, workshop id); ``None`` where no browser channel runs.
ManagementLink = Callable[[int, int], Awaitable[str]]
