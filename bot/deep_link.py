"""Deep links: the payload of ``/start PAYLOAD`` and links into the private chat.

A payload arrives from a link anybody can edit, so it is parsed here, in one
place, against what Telegram allows (1-64 characters ``A-Za-z0-9_-``) before
anything else happens. Features that hand out links add their payload type
and prefix to :func:`parse_start`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class UnknownPayload:
    """A payload this bot does not understand: broken, mistyped or forged."""


# Every payload type the bot hands out; a feature adds its type to this union.
StartPayload = UnknownPayload

# Each parser recognises its own prefix and returns ``None`` for anything else.
PARSERS: tuple[Callable[[str], StartPayload | None], ...] = ()


def parse_start(args: Sequence[str] | None) -> StartPayload | None:
    """The meaning of ``/start``'s arguments; ``None`` for a plain ``/start``."""
    if not args:
        return None
    if len(args) == 1 and _PAYLOAD.fullmatch(args[0]):
        for parse in PARSERS:
            payload = parse(args[0])
            if payload is not None:
                return payload
    return UnknownPayload()


def payload_of(args: Sequence[str] | None) -> str | None:
    """The payload text if the bot understands it, to pass it on unchanged (else ``None``)."""
    parsed = parse_start(args)
    if parsed is None or isinstance(parsed, UnknownPayload):
        return None
    return args[0] if args else None


def private_chat_link(bot_username: str, payload: str | None = None) -> str:
    """A t.me link that opens the private chat with the bot (and sends ``/start payload``)."""
    if payload is not None and not _PAYLOAD.fullmatch(payload):
        raise ValueError(f"not a valid deep-link payload: {payload!r}")
    return f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")
