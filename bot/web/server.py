"""The HTTP server (uvicorn) for the browser channel and, when configured, the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette

from bot.config import Web
from bot.web.connections import ConnectionLimits, guarded_protocol, raise_file_limit, total_for

# uvicorn's settings beside the address and the protocol (httptools, with the guards of
# bot.web.connections); the benchmark's floor serves with the same.
UVICORN_OPTIONS: dict[str, Any] = {
    "log_config": None, "access_log": False, "proxy_headers": False, "server_header": False,
    "lifespan": "off", "timeout_graceful_shutdown": 10,
}


class HttpServer(uvicorn.Server):
    """uvicorn's server, stopped by the process's own SIGTERM/SIGINT handling.

    uvicorn re-raises a captured signal once it has shut down, which would end
    the process before the bot closes its database and exits 0; the process
    installs its handlers itself (:func:`stop_on_signals`).
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def stop(self) -> None:
        self.should_exit = True


def http_server(app: Starlette, web: Web, limits: ConnectionLimits | None = None) -> HttpServer:
    """Without an access log: continue and invitation links carry their token in the path.

    Slow and many clients are held off by :mod:`bot.web.connections`; its
    limits come from the settings and the process's file handles, raised to
    the hard limit here, unless ``limits`` says otherwise (tests). Forwarded
    headers are handled inside the app (uvicorn's own middleware, given the
    proxies the operator lists), never by uvicorn's default of trusting 127.0.0.1.
    """
    if limits is None:
        limits = ConnectionLimits(per_address=web.connections_per_address,
                                  total=total_for(raise_file_limit()))
    config = uvicorn.Config(app, host=web.listen, port=web.port, http=guarded_protocol(limits),
                            **UVICORN_OPTIONS)
    return HttpServer(config)


def stop_on_signals(server: HttpServer) -> None:
    """SIGTERM (``docker stop``) and SIGINT let the server finish its requests and return."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, server.stop)


