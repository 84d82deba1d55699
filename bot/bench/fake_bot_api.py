"""An in-memory Bot API behind PTB's network layer, for tests and the benchmark.

It answers the methods the bot uses the way Telegram does, including its
errors ("message is not modified", too long texts, broken HTML, oversized
callback data, flood control, blocked users, a tap answered twice), keeps the
chat history so a test can read what a person would see, and records every
call. It can also fail a call the way PTB's HTTP layer reports a network
failure.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 900000001, "is_bot": True, "first_name": "Selbstcheck",
            "username": "selbstcheck_test_bot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                "upload_voice", "upload_document", "choose_sticker", "find_location",
                "record_video_note", "upload_video_note"}
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")
QUERY_TOO_OLD = ("Bad Request: query is too old and response timeout expired or query id is "
                 "invalid")
# How PTB's HTTPXRequest reports each kind of network failure: (exception, its httpx cause).
NETWORK_FAILURES: dict[str, tuple[type[NetworkError], type[httpx.HTTPError]]] = {
    "connect": (NetworkError, httpx.ConnectError),        # never reached Telegram
    "read_timeout": (TimedOut, httpx.ReadTimeout),        # may have reached Telegram
    "disconnect": (NetworkError, httpx.RemoteProtocolError),
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived, to check pacing
    result: Any = None  # what Telegram returned once answered; None while pending or on error


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    text: str | None
    html: str | None
    reply_markup: dict[str, Any] | None
    kind: str = "text"
    file: bytes | None = None
    file_name: str | None = None
    caption: str | None = None


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


_TAG = re.compile(r"<(/?)([a-z-]+)(?:\s[^<>]*)?>")
_BAD_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);)")


def parse_html(source: str) -> str:
    """The text Telegram shows for ``source``; raises :class:`ApiError` where Telegram would."""
    def fail(reason: str) -> ApiError:
        return ApiError(400, f"Bad Request: can't parse entities: {reason}")

    if _BAD_AMPERSAND.search(source):
        raise fail("character entity expected")
    stack: list[str] = []
    for match in _TAG.finditer(source):
        closing, tag = match.group(1), match.group(2)
        if tag not in ALLOWED_TAGS:
            raise fail(f'unsupported start tag "{tag}"')
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            raise fail(f'unmatched end tag "{tag}"')
    if stack:
        raise fail(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    visible = _TAG.sub("", source)
    if "<" in visible:
        raise fail("unexpected character '<'")
    return html.unescape(visible)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotAPI(BaseRequest):
    """PTB's network layer, answered in memory; ``latency`` delays every call.

    ``on_answer`` is called with each call at the moment it is answered (after
    the latency), which is when the person would see its effect: the benchmark
    measures tap-to-reply times with it. ``keep_calls=False`` stops recording
    calls, so a long benchmark run does not measure the recorder's memory.
    """

    def __init__(self, latency: float = 0.0, *,
                 on_answer: Callable[[Call], None] | None = None,
                 keep_calls: bool = True) -> None:
        self.latency = latency
        self.on_answer = on_answer
        self.keep_calls = keep_calls
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.blocked: set[int] = set()
        self._next_id: defaultdict[int, int] = defaultdict(int)
        self._failures: list[tuple[str, ApiError]] = []
        self._network_failures: list[tuple[str, str, bool]] = []
        self._answered_queries: set[str] = set()

    # --- what a test arranges and reads ---------------------------------------

    def fail_next(self, method: str, code: int, description: str,
                  retry_after: int | None = None) -> None:
        """Make the next call of ``method`` fail the way Telegram would."""
        self._failures.append((method, ApiError(code, description, retry_after)))

    def fail_network(self, method: str, kind: str = "connect", *, after_effect: bool = False) -> None:
        """Make the next call of ``method`` fail in the network (see ``NETWORK_FAILURES``).

        With ``after_effect`` Telegram carries the call out before the
        connection breaks, as when a response is lost on its way back.
        """
        if kind not in NETWORK_FAILURES:
            raise ValueError(f"unknown network failure {kind!r}")
        self._network_failures.append((method, kind, after_effect))

    def chat(self, chat_id: int) -> list[StoredMessage]:
        """The chat's messages as the person sees them now, oldest first."""
        return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- BaseRequest -------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None,
                         pool_timeout: object = None) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        uploads = request_data.multipart_data if request_data else {}
        files = {name: _content(part) for name, part in uploads.items()}
        names = [part[0] for part in uploads.values() if isinstance(part, tuple)]
        if api_method == "getUpdates":
            self._record(Call(api_method, params, files))
            await asyncio.sleep(min(float(str(params.get("timeout") or 0)), 0.05))
            return 200, _ok([])
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._take_network_failure(api_method)
        if failure is not None and not failure[1]:
            self._record(Call(api_method, params, files))
            raise failure[0]
        status, body = self.respond(api_method, params, files, names)
        if failure is not None:
            raise failure[0]
        return status, body

    def respond(self, api_method: str, params: dict[str, Any], files: dict[str, bytes] | None = None,
                file_names: list[str] | None = None) -> tuple[int, bytes]:
        """Record one Bot API call and answer it: HTTP status and JSON body, as Telegram would."""
        call = Call(api_method, params, files or {})
        self._record(call)
        try:
            call.result = self._answer(api_method, params, call.files, file_names or [])
        except ApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.code,
                                    "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            self._answered(call)
            return error.code, json.dumps(body).encode()
        self._answered(call)
        return 200, _ok(call.result)

    def _record(self, call: Call) -> None:
        if self.keep_calls:
            self.calls.append(call)

    def _answered(self, call: Call) -> None:
        if self.on_answer is not None:
            self.on_answer(call)

    def _take_network_failure(self, method: str) -> tuple[NetworkError, bool] | None:
        for i, (failing, kind, after_effect) in enumerate(self._network_failures):
            if failing == method:
                del self._network_failures[i]
                error_type, cause_type = NETWORK_FAILURES[kind]
                cause = cause_type(f"simulated {kind}")
                error = error_type(f"httpx.{cause_type.__name__}: simulated {kind}")
                error.__cause__ = cause
                return error, after_effect
        return None

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes],
                file_names: list[str]) -> Any:
        for i, (failing, error) in enumerate(self._failures):
            if failing == method:
                del self._failures[i]
                raise error
        chat_id = int(params["chat_id"]) if "chat_id" in params else None
        if chat_id is not None and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if method == "getMe":
            return BOT_USER
        if method == "answerCallbackQuery":
            return self._answer_query(params)
        if method in ("setMyCommands", "deleteMyCommands", "deleteWebhook", "setWebhook", "close",
                      "logOut"):
            return True
        if method == "sendMessage":
            return self._send_text(chat_id, params)  # type: ignore[arg-type]
        if method == "sendChatAction":
            if params.get("action") not in CHAT_ACTIONS:
                raise ApiError(400, "Bad Request: wrong parameter action in request")
            return True
        if method == "editMessageText":
            return self._edit(params, text=params["text"])
        if method == "editMessageReplyMarkup":
            return self._edit(params, text=None)
        if method in ("sendPhoto", "sendDocument"):
            return self._send_file(chat_id, method, params, files,  # type: ignore[arg-type]
                                   file_names[0] if file_names else None)
        raise ApiError(404, "Not Found")

    def _answer_query(self, params: dict[str, Any]) -> bool:
        """A tap can be answered once; Telegram rejects a second answer like a late one."""
        if _utf16_length(params.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query_id = str(params["callback_query_id"])
        if query_id in self._answered_queries:
            raise ApiError(400, QUERY_TOO_OLD)
        self._answered_queries.add(query_id)
        return True

    def _send_text(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        source = params["text"]
        text = self._visible(source, params)
        _check_markup(params.get("reply_markup"))
        message = self._store(chat_id, text=text, html=source,
                              reply_markup=params.get("reply_markup"))
        return self._message_json(message)

    def _send_file(self, chat_id: int, method: str, params: dict[str, Any],
                   files: dict[str, bytes], file_name: str | None) -> dict[str, Any]:
        kind = "photo" if method == "sendPhoto" else "document"
        content = next(iter(files.values()), None)
        if content is None:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        caption = params.get("caption")
        visible_caption = self._visible(caption, params) if caption else None
        if visible_caption and _utf16_length(visible_caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        _check_markup(params.get("reply_markup"))
        message = self._store(chat_id, text=None, html=None, reply_markup=params.get("reply_markup"),
                              kind=kind, file=content, caption=visible_caption,
                              file_name=file_name)
        return self._message_json(message)

    def _edit(self, params: dict[str, Any], text: str | None) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if text is not None and message.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        new_markup = params.get("reply_markup")
        _check_markup(new_markup)
        new_text = self._visible(text, params) if text is not None else message.text
        new_html = text if text is not None else message.html
        if new_text == message.text and new_markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.html, message.reply_markup = new_text, new_html, new_markup
        return self._message_json(message)

    @staticmethod
    def _visible(source: str, params: dict[str, Any]) -> str:
        text = parse_html(source) if params.get("parse_mode") == "HTML" else source
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_length(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _store(self, chat_id: int, **fields: Any) -> StoredMessage:
        self._next_id[chat_id] += 1
        message = StoredMessage(chat_id=chat_id, message_id=self._next_id[chat_id], **fields)
        self.messages[(chat_id, message.message_id)] = message
        return message

    @staticmethod
    def _message_json(message: StoredMessage) -> dict[str, Any]:
        chat_type = "private" if message.chat_id > 0 else "group"
        data: dict[str, Any] = {"message_id": message.message_id, "date": int(time.time()),
                                "chat": {"id": message.chat_id, "type": chat_type},
                                "from": BOT_USER}
        if message.kind == "text":
            data["text"] = message.text
        elif message.kind == "photo":
            data["photo"] = [{"file_id": f"photo-{message.message_id}", "file_unique_id":
                              f"p{message.message_id}", "width": 800, "height": 800}]
        else:
            data["document"] = {"file_id": f"doc-{message.message_id}",
                                "file_unique_id": f"d{message.message_id}",
                                "file_name": message.file_name}
        if message.caption:
            data["caption"] = message.caption
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data


def _check_markup(markup: dict[str, Any] | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _content(part: Any) -> bytes:
    """The bytes of one multipart upload, as PTB hands them over."""
    content = part[1] if isinstance(part, tuple) else part
    return content if isinstance(content, bytes) else content.read()


def _ok(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()
