"""Protections every request passes: headers, size limits, CSRF tokens, guessing slowed.

Tokens travel in URLs (continue links, workshop links), so no page may send a
Referer or load anything from elsewhere; forms are bound to the person's own
session; and a client that keeps presenting unknown tokens is slowed down,
so a 192-bit token cannot be found by trying.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict, deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                           "img-src 'self'; font-src 'self'; connect-src 'self'; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
MAX_FORM_BYTES = 16 * 1024  # a form carries a button's value, a token and at most a name


class BodyTooLarge(Exception):
    """The request's body is over its limit; nothing of it is used."""


class SecurityHeaders:
    """Adds the headers above to every response, and ``no-store`` to all but static files."""

    def __init__(self, app: ASGIApp, static_prefix: str = "/static/") -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(self.static_prefix)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses bodies over ``limit`` bytes (``limits`` per path prefix), declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_FORM_BYTES,
                 limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.limits = limits or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            scope["state"] = {**scope.get("state", {}), "too_large": True}
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited, send)


def csrf_token(session_token: str) -> str:
    """The form token for one session: only its holder's pages can carry it."""
    return hmac.new(session_token.encode(), b"selbstcheck-form", hashlib.sha256).hexdigest()


def csrf_valid(session_token: str | None, presented: object) -> bool:
    if not session_token or not isinstance(presented, str):
        return False
    return hmac.compare_digest(csrf_token(session_token), presented)


class Throttle:
    """Counts failed token attempts per client; past ``attempts`` a minute, refuses.

    Kept in memory for at most ``clients`` clients (the oldest forgotten first),
    so a flood of addresses cannot exhaust memory.
    """

    def __init__(self, attempts: int = 10, window: float = 60.0, clients: int = 10_000) -> None:
        self.attempts = attempts
        self.window = window
        self.clients = clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.get(client)
        if failures is None:
            return deque()
        while failures and failures[0] < now - self.window:
            failures.popleft()
        return failures

    def blocked(self, client: str) -> bool:
        return len(self._recent(client, time.monotonic())) >= self.attempts

    def failed(self, client: str) -> None:
        now = time.monotonic()
        failures = self._recent(client, now)
        failures.append(now)
        self._failures[client] = failures
        self._failures.move_to_end(client)
        while len(self._failures) > self.clients:
            self._failures.popitem(last=False)
