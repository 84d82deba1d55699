"""The invitations a workshop hands out, as flow inputs: what ``/start PAYLOAD`` can mean.

How an invitation travels (a ``t.me`` deep link, a web address) is each
channel's business; the flows only meet the parsed, validated values.
"""

from __future__ import annotations

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
# The link that carries an invitation into the channel, e.g. ``https://t.me/<bot>?start=w_…``.
InvitationLink = Callable[[Invitation], str]
# A coordinator's private link that opens a workshop's management (and its projector view) in
# the browser, for (person, workshop id); ``None`` where no browser channel runs.
ManagementLink = Callable[[int, int], Awaitable[str]]
