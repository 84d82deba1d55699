"""The browser's addresses that travel outside the site: invitations, a coordinator's link."""

from __future__ import annotations

from bot.flows.invitations import Invitation, InvitationLink, kind_of


def invitation_link(public_url: str) -> InvitationLink:
    """Invitations as web addresses (``/w/<token>`` to take part, ``/k/<token>`` to co-coordinate)."""
    def link(invitation: Invitation) -> str:
        return f"{public_url}/{kind_of(invitation)}/{invitation.token}"
    return link


def management_link(public_url: str, token: str, workshop_id: int) -> str:
    """A coordinator's private link: this browser becomes them, at the workshop's menu."""
    return f"{public_url}/verwalten/{token}/{workshop_id}"
