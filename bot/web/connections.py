"""Slow and many clients: a deadline for each request, and caps on open connections.

uvicorn waits for a request's headers as long as the client likes: 1,100
connections that send half a request and then nothing held every file handle
of the process (1,024), and every other request failed for as long as they
hung. Three guards keep room for everybody else:

- a deadline: from the first byte of a request (or the connection's start)
  its headers and body must have arrived within ``request_seconds``, else
  the connection is closed; between requests uvicorn's keep-alive timeout
  closes an idle connection;
- at most ``per_address`` open connections from one address (an IPv6
  client's /64; 0: no such cap), room-sized: a workshop room of 30 behind
  one Wi-Fi, each browser with a few connections, stays far below it; a
  connection beyond is closed at once, before it holds anything;
- at most ``total`` open connections, fewer than the process's file handles,
  so the database, the workers' pipes and Telegram's connections always find
  one. :func:`raise_file_limit` lifts the soft limit to the hard one first.

Behind a reverse proxy (and Docker's published port) every client has the
proxy's address: there the per-address cap is the proxy's job, which reads
whole requests before it forwards them.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import resource
from collections import Counter
from dataclasses import dataclass

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bot.config import DEFAULT_CONNECTIONS_PER_ADDRESS

REQUEST_SECONDS = 10.0
_RESERVED_HANDLES = 64  # the database, the workers' pipes, Telegram's connections, logs
_COMMON_FILE_LIMIT = 1024  # many hosts' soft limit
_REFUSED = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


@dataclass(frozen=True)
class ConnectionLimits:
    request_seconds: float = REQUEST_SECONDS
    per_address: int = DEFAULT_CONNECTIONS_PER_ADDRESS  # 0: no cap per address
    total: int = _COMMON_FILE_LIMIT - _RESERVED_HANDLES


@functools.lru_cache(maxsize=4096)  # parsed once per client, not per request
def network_of(host: str) -> str:
    """Whom a client's address stands for: the address itself, or its /64 for IPv6.

    One IPv6 household or office gets a /64 and may use any address in it, so
    a cap per IPv6 address would be a cap per whim.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # not an address (a Unix socket, a test client's name)
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def raise_file_limit() -> int:
    """Lift this process's soft limit on open files to its hard limit; the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:  # Linux never allows an infinite one
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # not allowed here: keep what there is
            pass
    return soft


def total_for(file_limit: int) -> int:
    """Connections that fit into ``file_limit`` handles beside what the process itself needs."""
    if file_limit == resource.RLIM_INFINITY:
        return 1 << 20  # what Linux allows at most (its nr_open default)
    return max(file_limit - _RESERVED_HANDLES, 16)


class _OpenConnections:
    """How many connections are open, per address and in all."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self._by_address: Counter[str] = Counter()
        self._total = 0

    def admit(self, address: str) -> bool:
        per_address = self.limits.per_address
        if self._total >= self.limits.total or (
                per_address and self._by_address[address] >= per_address):
            return False
        self._by_address[address] += 1
        self._total += 1
        return True

    def release(self, address: str) -> None:
        self._total -= 1
        self._by_address[address] -= 1
        if not self._by_address[address]:
            del self._by_address[address]


class _GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the deadline and the caps of :class:`ConnectionLimits`.

    A request is arriving from its first byte (the parser's message begins) until the
    parser has its whole body; only then does the deadline run.
    """

    open_connections: _OpenConnections  # set per server by :func:`guarded_protocol`

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._address = network_of(self.client[0]) if self.client else ""
        self._admitted = self.open_connections.admit(self._address)
        self._deadline: asyncio.TimerHandle | None = None
        self._arriving = False
        if not self._admitted:
            transport.write(_REFUSED)
            transport.close()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._admitted:
            self._admitted = False
            self.open_connections.release(self._address)
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        if self._deadline is None:  # the first bytes of the next request
            self._arm()
        super().data_received(data)
        self._watch()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arriving = True

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._arriving = False

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()  # a pipelined request may have started with what was buffered

    def _watch(self) -> None:
        """Keep the deadline while a request is still arriving, and only then."""
        if not self._arriving:
            self._disarm()
        elif self._deadline is None:
            self._arm()

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(self.open_connections.limits.request_seconds,
                                              self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def guarded_protocol(limits: ConnectionLimits) -> type[HttpToolsProtocol]:
    """The protocol class for one server: its own count of open connections."""
    return type("GuardedHttpToolsProtocol", (_GuardedProtocol,),
                {"open_connections": _OpenConnections(limits)})
