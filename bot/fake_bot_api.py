"""An in-memory Bot API behind PTB's network layer, for tests and the benchmark.

It answers the methods the bot uses the way Telegram does, including its
errors ("message is not modified", too long texts, broken HTML, oversized
callback data, flood control, blocked users), keeps the chat history so a
test can read what a person would see, and records every call.
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

    # --- what a test arranges and reads ---------------------------------------

    def fail_next(self, method: str, code: int, description: str,
                  retry_after: int | None = None) -> None:
        """Make the next call of ``method`` fail the way Telegram would."""
        self._failures.append((method, ApiError(code, description, retry_after)))

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
        call = Call(api_method, params, files)
        if self.keep_calls:
            self.calls.append(call)
        names = [part[0] for part in uploads.values() if isinstance(part, tuple)]
        if api_method == "getUpdates":
            await asyncio.sleep(min(float(params.get("timeout", 0) or 0), 0.05))
            return 200, _ok([])
        if self.latency:
            await asyncio.sleep(self.latency)
        try:
            call.result = self._answer(api_method, params, files, names)
        except ApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.code,
                                    "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            self._answered(call)
            return error.code, json.dumps(body).encode()
        self._answered(call)
        return 200, _ok(call.result)

    def _answered(self, call: Call) -> None:
        if self.on_answer is not None:
            self.on_answer(call)

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
        if method in ("setMyCommands", "deleteMyCommands", "answerCallbackQuery", "deleteWebhook",
                      "setWebhook", "close", "logOut"):
            if method == "answerCallbackQuery" and _utf16_length(params.get("text", "")) > 200:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
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
