"""The HTTP server (uvicorn) for the browser channel and, when configured, the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator
from datetime import timedelta

import uvicorn
from starlette.applications import Starlette

from bot.config import Web
from bot.store.errors import StorageError
from bot.store.storage import Storage
from bot.web.flows_port import FlowsPort

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = timedelta(seconds=30)
RETENTION_INTERVAL = timedelta(days=1)
RETENTION_FIRST_RUN = timedelta(minutes=5)


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


def http_server(app: Starlette, web: Web) -> HttpServer:
    """Without an access log: continue and invitation links carry their token in the path."""
    config = uvicorn.Config(app, host=web.listen, port=web.port, log_config=None,
                            access_log=False, proxy_headers=True, server_header=False,
                            lifespan="off", timeout_graceful_shutdown=10)
    return HttpServer(config)


def stop_on_signals(server: HttpServer) -> None:
    """SIGTERM (``docker stop``) and SIGINT let the server finish its requests and return."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, server.stop)


async def keep_alive(port: FlowsPort, storage: Storage, retention_days: int,
                     stop: Callable[[], None]) -> str:
    """Heartbeat and retention while the browser channel runs without Telegram's job queue.

    A database file deleted or replaced under the running server stops it, as
    the bot's heartbeat does (:func:`bot.telegram.jobs.heartbeat`): it would go
    on confirming answers that nobody can ever read again. Returns why.
    """
    next_retention = asyncio.get_running_loop().time() + RETENTION_FIRST_RUN.total_seconds()
    while True:
        try:
            await storage.health.beat()
        except StorageError as error:
            log.error("stopping: %s", error)
            stop()
            return str(error)
        if retention_days and asyncio.get_running_loop().time() >= next_retention:
            deleted = await port.delete_expired()
            log.info("retention: deleted the data of %d person(s) inactive for more than %d days",
                     deleted, retention_days)
            next_retention += RETENTION_INTERVAL.total_seconds()
        await asyncio.sleep(HEARTBEAT_INTERVAL.total_seconds())
