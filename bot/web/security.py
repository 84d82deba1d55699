"""Protections every request passes: headers, size limits, CSRF tokens, guessing slowed.

Tokens travel in URLs (continue links, workshop links), so no page may send a
Referer or load anything from elsewhere; forms are bound to the person's own
session; and a session or an address that keeps presenting unknown tokens is
slowed down (:class:`Throttle`), so a 192-bit token cannot be found by trying.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

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
_STATIC_HEADERS = tuple(_HEADERS)
_PAGE_HEADERS = (*_HEADERS, (b"cache-control", b"no-store"))
MAX_FORM_BYTES = 16 * 1024  # a form carries a button's value, a token and at most a name


class BodyTooLarge(Exception):
    """The request's body is over its limit; nothing of it is used."""


class Protections:
    """Middleware: the headers above on every response (``no-store`` on all but static
    files), and bodies over ``limit`` bytes (``limits`` per path prefix) refused, declared
    or streamed. One layer for both: every request passes it."""

    def __init__(self, app: ASGIApp, limit: int = MAX_FORM_BYTES,
                 limits: dict[str, int] | None = None, static_prefix: str = "/static/") -> None:
        self.app = app
        self.limit = limit
        self.limits = limits or {}
        self.static_prefix = static_prefix

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self._limit_for(path)
        declared = next((value for name, value in scope.get("headers", ())
                         if name == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            scope["state"] = {**scope.get("state", {}), "too_large": True}
        received = 0
        headers = _STATIC_HEADERS if path.startswith(self.static_prefix) else _PAGE_HEADERS

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        await self.app(scope, limited, with_headers)


@functools.lru_cache(maxsize=4096)  # every page and every form of a session asks again
def csrf_token(session_token: str) -> str:
    """The form token for one session: only its holder's pages can carry it."""
    return hmac.new(session_token.encode(), b"selbstcheck-form", hashlib.sha256).hexdigest()


def csrf_valid(session_token: str | None, presented: object) -> bool:
    if not session_token or not isinstance(presented, str):
        return False
    return _same(csrf_token(session_token), presented)


def _same(expected: str, presented: str) -> bool:
    """Compared in constant time; any text a client sends compares, not only ASCII."""
    return hmac.compare_digest(expected.encode(), presented.encode("utf-8", "replace"))


@functools.lru_cache(maxsize=4096)  # parsed once per client, not per request
def address_key(host: str) -> str:
    """A client's address as the throttle counts it: an IPv6 address by its /64.

    One network (a household, a room's Wi-Fi) gets a /64 and hands every device, and
    anybody rotating addresses, another address in it.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def session_key(token: str) -> str:
    """A session as the throttle remembers it: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class Window:
    """Events per key within the last ``seconds`` (up to ``most``), for at most ``keys`` keys.

    The oldest key goes first; the caps keep a flood from exhausting memory. Each kind of key has
    its own window, so a flood of one kind (new sessions) cannot push out another's
    (an address over its ceiling).
    """

    def __init__(self, seconds: float, most: int, keys: int = 10_000) -> None:
        self.seconds = seconds
        self.most = most  # counting further than the limit tells nothing more
        self.keys = keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def count(self, key: str) -> int:
        events = self._events.get(key)
        if events is None:
            return 0
        cutoff = time.monotonic() - self.seconds
        while events and events[0] < cutoff:
            events.popleft()
        return len(events)

    def add(self, key: str) -> None:
        self.count(key)  # drop what has expired
        self._events.setdefault(key, deque(maxlen=self.most)).append(time.monotonic())
        self._events.move_to_end(key)
        while len(self._events) > self.keys:
            self._events.popitem(last=False)


@dataclass(frozen=True)
class Guesser:
    """Who presents a token: their address and, if their browser holds one, their session."""

    address: str
    session: str | None  # a key for the cookie's token; ``None`` without a cookie of ours


class Throttle:
    """Slows guessing by what the guesser controls, without locking out the people beside them.

    A session that presents ``attempts`` unknown tokens within ``window`` seconds
    has its further tokens refused unchecked. An address has a ceiling sized for a
    full room behind one network (``address_attempts``): past it, only sessions that
    have not failed themselves still have their tokens checked, so a person who never
    guessed wrong is never refused because somebody beside them did. A browser
    without a session is then given one first, after a ``pause``: a newcomer waits
    once, a guesser for every guess.
    With ``total_attempts``, all addresses together have such a ceiling too, past which
    every address counts as crowded: many addresses guessing a little each (a botnet)
    meet the same rule as one guessing much.
    The people an address creates are bounded apart: ``creations`` a ``creation_window``.
    """

    _ALL = "*"  # the key of all addresses together

    def __init__(self, attempts: int = 10, address_attempts: int = 300, window: float = 60.0,
                 creations: int = 100, creation_window: float = 600.0,
                 pause: float = 1.0, total_attempts: int | None = None) -> None:
        self.attempts = attempts
        self.address_attempts = address_attempts
        self.total_attempts = total_attempts
        self.creations = creations
        self.pause = pause
        self._sessions = Window(window, attempts)
        self._addresses = Window(window, address_attempts)
        self._total = Window(window, total_attempts or 1, keys=1)
        self._created = Window(creation_window, creations)

    def refuses(self, guesser: Guesser) -> bool:
        """Whether a token this guesser presents is refused without looking it up."""
        failed = self._sessions.count(guesser.session) if guesser.session else None
        if failed is not None and failed >= self.attempts:
            return True
        return self.crowded(guesser.address) and failed != 0

    def crowded(self, address: str) -> bool:
        """Past the address's ceiling (or all addresses' together): a browser without a
        session gets one before its token counts."""
        if self.total_attempts is not None and self._total.count(self._ALL) >= self.total_attempts:
            return True
        return self._addresses.count(address) >= self.address_attempts

    def failed(self, guesser: Guesser) -> None:
        self._addresses.add(guesser.address)
        if self.total_attempts is not None:
            self._total.add(self._ALL)
        if guesser.session:
            self._sessions.add(guesser.session)

    def may_create(self, address: str) -> bool:
        """Whether this address may create another person now: a room's worth."""
        return self._created.count(address) < self.creations

    def created(self, address: str) -> None:
        self._created.add(address)


class VisitorTokens:
    """Cookies for visitors not stored yet: random, signed with a key that lives in memory only.

    A visitor costs the database nothing until their first action that must be
    stored; the signature tells such a cookie (ours) from a guessed one. The key
    is new at each start, so after a restart a visitor who has not acted yet
    simply becomes a new visitor.
    """

    _SEPARATOR = "."

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def new(self) -> str:
        random = secrets.token_urlsafe(24)
        return f"{random}{self._SEPARATOR}{self._signature(random)}"

    def valid(self, token: str) -> bool:
        random, separator, signature = token.partition(self._SEPARATOR)
        return bool(separator) and _same(self._signature(random), signature)

    def _signature(self, random: str) -> str:
        digest = hmac.new(self._key, random.encode(), hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode()
