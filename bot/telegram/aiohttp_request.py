"""The bot's HTTP client for the Bot API: aiohttp behind PTB's ``BaseRequest``.

PTB's default ``HTTPXRequest`` costs several milliseconds of CPU per call
(httpcore scans its whole pool on every request); with aiohttp a call costs a
fraction of that, and a tap makes two or three calls (``python -m bot.bench``
measures both, README). Failures are reported the way PTB expects – timeouts as
``TimedOut``, everything else as ``NetworkError`` – with aiohttp's exception as
the cause, which ``bot.telegram.network`` reads to decide whether a retry is safe.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# HTTPXRequest's defaults, so a switch of client changes no timing the bot relies on.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to ``connection_pool_size`` open connections."""

    def __init__(self, connection_pool_size: int = 1, *, read_timeout: float | None = READ_TIMEOUT,
                 connect_timeout: float | None = CONNECT_TIMEOUT,
                 pool_timeout: float | None = POOL_TIMEOUT) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The session belongs to the running event loop, so it is made here, not in __init__.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (self._connect_timeout if isinstance(connect_timeout, DefaultValue)
                   else connect_timeout)
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout; a stalled upload ends with the read timeout.
        timeout = aiohttp.ClientTimeout(
            total=None, sock_read=read,  # type: ignore[arg-type]
            sock_connect=connect,  # type: ignore[arg-type]
            # ``connect`` covers waiting for a free connection and making a new one.
            connect=None if connect is None or pool is None else connect + pool)  # type: ignore[operator]
        try:
            async with self._session.request(method, url, data=_body(request_data),
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut("Connection or pool timeout: the request was not sent") from error
        except TimeoutError as error:  # aiohttp's read timeouts are TimeoutErrors as well
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """A form, urlencoded; multipart where files are uploaded (as HTTPXRequest sends them)."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        if isinstance(upload, tuple):
            file_name, content, *mime = upload
            form.add_field(name, content, filename=file_name,
                           content_type=mime[0] if mime else None)
        else:
            form.add_field(name, upload)
    return form
