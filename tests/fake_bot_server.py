"""FakeBotAPI behind a real HTTP server on 127.0.0.1, for the bot as a subprocess.

The bot reaches it through ``TELEGRAM_BASE_URL``, exactly as it would reach a
local Bot API server. Calls are answered by :class:`bot.bench.fake_bot_api.FakeBotAPI`;
``getUpdates`` serves the updates a test pushes with Telegram's semantics: an
update counts as received by the bot only once a later ``getUpdates`` asks for
an offset beyond it ("acknowledged"); until then it is delivered again, also
to a restarted bot.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.bench.fake_bot_api import FakeBotAPI
from bot.bench.http_bot_api import decode_field

_LONG_POLL_CAP = 0.5  # seconds; keeps shutdowns quick


class FakeBotServer:
    def __init__(self, *, reject_token: bool = False) -> None:
        self.api = FakeBotAPI()
        self.reject_token = reject_token
        self.latency = 0.0  # seconds before answering any call but getUpdates
        self.lock = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self.acknowledged = 0  # every update_id below this was received by the bot
        self.delivered: set[int] = set()
        self.get_updates_calls = 0
        self.allowed_updates: list[str] | None = None  # as the bot last asked for them
        # (status, description) getUpdates answers with instead of updates, e.g. a 409
        # while another instance polls with the same token.
        self.get_updates_failure: tuple[int, str] | None = None
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------

    def __enter__(self) -> FakeBotServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/file/bot"

    # --- what a test does ----------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for the bot (update ids are assigned here, increasing)."""
        with self.lock:
            update = {**update, "update_id": self._next_update_id}
            self._next_update_id += 1
            self._updates.append(update)
            self.lock.notify_all()
            return update["update_id"]

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait (bounded) until ``condition`` holds; it is checked under the lock."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
                self.lock.wait(min(remaining, 0.1))

    def pushed(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self._updates)

    def update_id_of_query(self, query_id: str) -> int:
        with self.lock:
            return next(u["update_id"] for u in self._updates
                        if u.get("callback_query", {}).get("id") == query_id)

    # --- serving -------------------------------------------------------------------

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), _LONG_POLL_CAP)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.get_updates_calls += 1
            if params.get("allowed_updates") is not None:
                self.allowed_updates = params["allowed_updates"]
            if offset > self.acknowledged:
                self.acknowledged = offset
            while True:
                pending = [u for u in self._updates if u["update_id"] >= self.acknowledged]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    break
                self.lock.wait(remaining)
            batch = pending[:limit]
            self.delivered.update(u["update_id"] for u in batch)
            self.lock.notify_all()
            return batch

    def _call(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None,
              file_names: list[str] | None = None) -> tuple[int, bytes]:
        if self.reject_token:
            return 401, _error(401, "Unauthorized")
        if method == "getUpdates" and self.get_updates_failure is not None:
            with self.lock:
                self.get_updates_calls += 1
                self.lock.notify_all()
            status, description = self.get_updates_failure
            return status, _error(status, description)
        if method == "getUpdates":
            return 200, json.dumps({"ok": True, "result": self._get_updates(params)}).encode()
        if self.latency:
            time.sleep(self.latency)  # outside the lock: calls overlap as on a slow network
        with self.lock:
            answer = self.api.respond(method, params, files, file_names)
            self.lock.notify_all()
            return answer


def _error(code: int, description: str) -> bytes:
    return json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def _decode_form(body: bytes) -> dict[str, Any]:
    return dict((key, decode_field(key, value))
                for key, value in parse_qsl(body.decode(), keep_blank_values=True))


def _decode_multipart(content_type: str, body: bytes
                      ) -> tuple[dict[str, Any], dict[str, bytes], list[str]]:
    """A file upload (sendPhoto, sendDocument): the fields, the files and their names."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not message.is_multipart():
        raise ValueError("not a complete multipart request")
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    names: list[str] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        file_name = part.get_filename()
        if file_name is not None:
            files[str(name)] = content
            names.append(file_name)
        else:
            params[str(name)] = decode_field(str(name), content.decode())
    return params, files, names


def _handler_for(server: FakeBotServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            method = self.path.rsplit("/", 1)[-1]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type") or ""
            try:
                if "multipart/form-data" in content_type:
                    status, answer = server._call(method, *_decode_multipart(content_type, body))
                else:
                    status, answer = server._call(method, _decode_form(body))
            except (KeyError, ValueError):  # a request cut short when the bot was killed
                status, answer = 400, _error(400, "Bad Request: incomplete request")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the bot went away mid-request (killed or cancelled a long poll)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the URL contains the (test) token and would only clutter the output."""

    return Handler
