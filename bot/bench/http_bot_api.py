"""The in-memory Bot API served over HTTP on 127.0.0.1, as Telegram serves a bot.

The benchmark's default: the bot runs as in production, as its own process
with its real HTTP client, and reaches this server through ``TELEGRAM_BASE_URL``.
Calls are answered by :class:`bot.bench.fake_bot_api.FakeBotAPI` after
``latency`` seconds. Updates reach the bot the two ways Telegram offers:
``getUpdates`` long polling (at most 100 updates a call, an update acknowledged
by a later call's offset) or, once the bot has called ``setWebhook``, posted to
its webhook with at most 40 requests in flight (Telegram's default).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter, deque
from typing import Any

import aiohttp
from aiohttp import web

from bot.bench.fake_bot_api import FakeBotAPI

log = logging.getLogger(__name__)

MAX_UPDATES_PER_CALL = 100  # getUpdates' limit
WEBHOOK_CONNECTIONS = 40  # setWebhook's default max_connections
LONG_POLL_CAP = 1.0  # seconds a getUpdates waits at most here; keeps the end of a run quick
# Form fields PTB sends as plain strings; every other field is JSON-encoded.
STRING_FIELDS = frozenset({"text", "caption", "callback_query_id", "url", "secret_token",
                           "parse_mode", "chat_id"})


def decode_field(key: str, value: str) -> Any:
    """One form field as the Bot API reads it: JSON where PTB encoded it as JSON."""
    if key in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


class HttpBotAPI:
    """An aiohttp server in front of a FakeBotAPI; ``push`` hands an update to the bot."""

    def __init__(self, api: FakeBotAPI | None = None, *, webhook_target: str | None = None) -> None:
        self.api = api or FakeBotAPI(keep_calls=False)
        self.latency = 0.0
        # Where a webhook is really delivered: the bot's local listener behind the
        # https:// address it registers (as behind a reverse proxy that ends TLS).
        self.webhook_target = webhook_target
        self.get_updates_calls = 0
        self.methods: Counter[str] = Counter()  # calls answered so far, by method
        self.webhook_failures = 0
        self._pending: deque[dict[str, Any]] = deque()  # not yet handed to the bot
        self._unacknowledged: list[dict[str, Any]] = []  # handed out by getUpdates
        self._next_update_id = 1
        self._arrived = asyncio.Event()
        self._webhook_secret: str | None = None
        self._webhook_tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 2**20)  # PDF reports are uploaded here
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for task in self._webhook_tasks:
            task.cancel()
        await asyncio.gather(*self._webhook_tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- updates -------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot; its update_id is assigned here, increasing."""
        self._pending.append({**update, "update_id": self._next_update_id})
        self._next_update_id += 1
        self._arrived.set()

    async def _next_batch(self, offset: int, limit: int, timeout: float) -> list[dict[str, Any]]:
        self._unacknowledged = [u for u in self._unacknowledged if u["update_id"] >= offset]
        if not self._unacknowledged and not self._pending and timeout > 0:
            self._arrived.clear()
            try:
                async with asyncio.timeout(min(timeout, LONG_POLL_CAP)):
                    await self._arrived.wait()
            except TimeoutError:
                pass
        while self._pending and len(self._unacknowledged) < limit:
            self._unacknowledged.append(self._pending.popleft())
        return self._unacknowledged[:limit]

    def _start_webhook(self, secret: str | None) -> None:
        self._webhook_secret = secret
        if self._webhook_tasks or self.webhook_target is None:
            return
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=WEBHOOK_CONNECTIONS))
        self._webhook_tasks = [asyncio.create_task(self._deliver())
                               for _ in range(WEBHOOK_CONNECTIONS)]

    async def _deliver(self) -> None:
        """One of the webhook's connections: posts the next update, waits for the answer."""
        assert self._session is not None and self.webhook_target is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": self._webhook_secret or ""}
        while True:
            while not self._pending:
                self._arrived.clear()
                await self._arrived.wait()
            update = self._pending.popleft()
            for _ in range(5):  # Telegram retries a failed delivery
                try:
                    async with self._session.post(self.webhook_target, json=update,
                                                  headers=headers) as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                self.webhook_failures += 1
                await asyncio.sleep(0.5)

    # --- calls ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files, names = await _read_form(request)
        if method == "getUpdates":
            self.get_updates_calls += 1
            limit = min(int(params.get("limit") or MAX_UPDATES_PER_CALL), MAX_UPDATES_PER_CALL)
            batch = await self._next_batch(int(params.get("offset") or 0), limit,
                                           float(params.get("timeout") or 0))
            return web.json_response({"ok": True, "result": batch})
        if self.latency:
            await asyncio.sleep(self.latency)
        status, body = self.api.respond(method, params, files, names)
        self.methods[method] += 1
        if method == "setWebhook" and status == 200:
            self._start_webhook(params.get("secret_token"))
        return web.Response(status=status, body=body, content_type="application/json")


async def _read_form(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes], list[str]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    names: list[str] = []
    if request.content_type == "multipart/form-data":
        async for part in await request.multipart():
            if not isinstance(part, aiohttp.BodyPartReader):
                continue  # nested multiparts: the Bot API has none
            content = bytes(await part.read())
            if part.filename:
                files[str(part.name)] = content
                names.append(part.filename)
            else:
                params[str(part.name)] = decode_field(str(part.name), content.decode())
    else:
        params = {key: decode_field(key, value)
                  for key, value in (await request.post()).items() if isinstance(value, str)}
    return params, files, names
