"""The bot's aiohttp client against a real HTTP server on 127.0.0.1.

Retries only where a call cannot arrive twice, timeouts reported as PTB's
``TimedOut``, Telegram's flood control (429) waited out by PTB's rate limiter.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from bot.bench.fake_bot_api import BOT_USER
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.network import RetryingRequest, may_retry

TOKEN = "123456:TEST"
Behaviour = Callable[[web.Request, dict[str, Any]], Awaitable[web.StreamResponse | None]]


class Server:
    """Records each call (method, form fields) and answers it as ``behave`` says."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.behave: dict[str, list[Behaviour]] = {}
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.content_type == "multipart/form-data":
            fields: dict[str, Any] = {}
            async for part in await request.multipart():
                content = bytes(await part.read())  # type: ignore[union-attr]
                fields[part.name] = ((part.filename, content) if part.filename  # type: ignore[union-attr]
                                     else content.decode())
        else:
            fields = dict(await request.post())
        self.calls.append((method, fields))
        planned = self.behave.get(method)
        if planned:
            response = await planned.pop(0)(request, fields)
            if response is not None:
                return response
        result: Any = BOT_USER if method == "getMe" else {
            "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "x"}
        return web.json_response({"ok": True, "result": result})

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/{{method}}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/bot"
    yield state
    await runner.cleanup()


def _bot(base_url: str, request: AiohttpRequest | None = None, **kwargs: Any) -> ExtBot[Any]:
    inner = request or AiohttpRequest(4)
    return ExtBot(TOKEN, base_url=base_url, request=RetryingRequest(inner, delays=(0.0, 0.0)),
                  **kwargs)


async def _drop_connection(request: web.Request, fields: dict[str, Any]) -> None:
    """The call arrived, but the connection breaks before any answer."""
    assert request.transport is not None
    request.transport.close()
    await asyncio.sleep(0.05)
    raise ConnectionResetError


async def _too_slow(request: web.Request, fields: dict[str, Any]) -> None:
    await asyncio.sleep(0.5)


def _flood_control(retry_after: int) -> Behaviour:
    async def answer(request: web.Request, fields: dict[str, Any]) -> web.StreamResponse:
        return web.json_response({"ok": False, "error_code": 429,
                                  "description": "Too Many Requests: retry later",
                                  "parameters": {"retry_after": retry_after}}, status=429)
    return answer


async def test_calls_send_forms_and_uploads_and_decode_answers(server: Server) -> None:
    async with _bot(server.url) as bot:
        assert bot.username == BOT_USER["username"]
        await bot.send_message(5, "Grüße <b>hier</b>", parse_mode="HTML",
                               reply_markup={"inline_keyboard": [[{"text": "A",
                                                                   "callback_data": "a"}]]})
        await bot.send_document(5, InputFile(b"%PDF-1.7 test", filename="bericht.pdf"),
                                caption="Ihr Bericht")
    (_, message), (_, upload) = server.calls[-2:]
    assert message["text"] == "Grüße <b>hier</b>" and message["chat_id"] == "5"
    assert json.loads(message["reply_markup"]) == {
        "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    assert upload["caption"] == "Ihr Bericht"
    assert upload["document"] == ("bericht.pdf", b"%PDF-1.7 test")


async def test_a_message_that_may_have_arrived_is_not_sent_again(server: Server) -> None:
    async with _bot(server.url) as bot:
        server.behave["sendMessage"] = [_drop_connection]
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(5, "Hallo")
    assert isinstance(raised.value.__cause__, aiohttp.ClientError)
    assert server.methods().count("sendMessage") == 1


async def test_an_edit_is_repeated_after_a_broken_connection(server: Server) -> None:
    async with _bot(server.url) as bot:
        server.behave["editMessageText"] = [_drop_connection]
        await bot.edit_message_text("neu", chat_id=5, message_id=1)
    assert server.methods().count("editMessageText") == 2


async def test_a_read_timeout_is_timed_out_and_a_message_not_repeated(server: Server) -> None:
    async with _bot(server.url, AiohttpRequest(4, read_timeout=0.1)) as bot:
        server.behave["sendMessage"] = [_too_slow]
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(5, "Hallo")
        assert not may_retry("sendMessage", raised.value)
        await asyncio.sleep(0.5)  # the server finishes its slow answer
    assert server.methods().count("sendMessage") == 1


async def test_no_free_connection_means_not_sent_so_a_message_may_be_retried(
        server: Server) -> None:
    request = AiohttpRequest(1, pool_timeout=0.05, connect_timeout=0.05)
    await request.initialize()
    try:
        server.behave["sendMessage"] = [_too_slow]
        slow = asyncio.create_task(request.post(f"{server.url}{TOKEN}/sendMessage"))
        await asyncio.sleep(0.1)  # the only connection is busy
        with pytest.raises(TimedOut) as raised:
            await request.post(f"{server.url}{TOKEN}/getMe")
        assert isinstance(raised.value.__cause__, aiohttp.ConnectionTimeoutError)
        assert may_retry("sendMessage", raised.value)
        await slow
    finally:
        await request.shutdown()


async def test_a_refused_connection_is_retried_for_any_call() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    finally:
        await request.shutdown()
    assert isinstance(raised.value.__cause__, aiohttp.ClientConnectorError)
    assert may_retry("sendMessage", raised.value)


async def test_flood_control_is_waited_out_by_the_rate_limiter(server: Server) -> None:
    limiter = AIORateLimiter(overall_max_rate=0, max_retries=5)
    async with _bot(server.url, rate_limiter=limiter) as bot:
        server.behave["sendMessage"] = [_flood_control(1)]
        started = asyncio.get_running_loop().time()
        await bot.send_message(5, "Hallo")
        waited = asyncio.get_running_loop().time() - started
    assert server.methods().count("sendMessage") == 2
    assert waited >= 1.0
