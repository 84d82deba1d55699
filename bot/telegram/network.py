"""Retrying Bot API calls after network failures, where a retry cannot do harm.

PTB's rate limiter waits out flood control (429 RetryAfter), and its polling
loop retries ``getUpdates``, but any other call that meets a network error
fails at once. A dropped connection between meetings should not cost a person
their "Gespeichert" notice, so calls are retried here, under one rule: a call
is repeated only if it certainly did not reach Telegram (no connection was
made) or if doing it twice changes nothing (edits, answering a tap, settings).
A ``sendMessage`` that may have arrived is not repeated: a person would see the
message twice.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import httpx
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

# Failures of the transport, as the bot's client (aiohttp) and PTB's default (httpx) report them.
TRANSPORT_ERRORS = (aiohttp.ClientError, httpx.TransportError)
# The request never left this machine: repeating it cannot duplicate anything. aiohttp's
# connection timeout covers waiting for a free connection and opening a new one.
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError,
            httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Doing these twice has the same effect as doing them once.
IDEMPOTENT_METHODS = frozenset({
    "getMe", "getWebhookInfo", "setWebhook", "deleteWebhook", "setMyCommands",
    "deleteMyCommands", "answerCallbackQuery", "editMessageText", "editMessageReplyMarkup",
    "editMessageCaption", "deleteMessage",
})


class RetryingRequest(BaseRequest):
    """Wraps PTB's network layer; ``delays`` are the waits before each retry.

    Set-up, shut-down and timeouts are the inner layer's.
    """

    def __init__(self, inner: BaseRequest, delays: tuple[float, ...] = (0.5, 1.5, 4.0)) -> None:
        self.inner = inner
        self._delays = delays

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        for attempt, delay in enumerate((*self._delays, None), start=1):
            try:
                return await self.inner.do_request(
                    url, method, request_data, read_timeout=read_timeout,  # type: ignore[arg-type]
                    write_timeout=write_timeout, connect_timeout=connect_timeout,  # type: ignore[arg-type]
                    pool_timeout=pool_timeout)  # type: ignore[arg-type]
            except NetworkError as error:
                if delay is None or not may_retry(api_method, error):
                    raise
                log.warning("%s failed (%s), attempt %d; retrying in %.1f s",
                            api_method, type(error.__cause__ or error).__name__, attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")


def may_retry(api_method: str, error: NetworkError) -> bool:
    """Only transport failures qualify; Telegram's own answers (4xx) are never retried here."""
    cause = error.__cause__
    if not isinstance(cause, TRANSPORT_ERRORS):
        return False
    return isinstance(cause, NOT_SENT) or api_method in IDEMPOTENT_METHODS
