"""Telegram updates as the Bot API delivers them (JSON objects), for the tests.

Shared by the in-process harness (tests/conftest.py) and the fake Bot API
server that a bot subprocess polls (tests/fake_bot_server.py).
"""

from __future__ import annotations

import itertools
from typing import Any

from bot.bench.fake_bot_api import BOT_USER, StoredMessage

DATE = 1_700_000_000
_ids = itertools.count(1)

# Message contents other than text, as Telegram sends them.
STICKER = {"sticker": {"file_id": "sticker-1", "file_unique_id": "s1", "type": "regular",
                       "width": 512, "height": 512, "is_animated": False, "is_video": False}}
PHOTO = {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}],
         "caption": "Unser Rathaus"}
VOICE = {"voice": {"file_id": "voice-1", "file_unique_id": "v1", "duration": 4}}
DOCUMENT = {"document": {"file_id": "doc-1", "file_unique_id": "d1",
                         "file_name": "Integrationskonzept.pdf"}}
LOCATION = {"location": {"latitude": 50.7753, "longitude": 6.0839}}
CONTACT = {"contact": {"phone_number": "+49 241 0000000", "first_name": "Bea"}}


def next_id() -> int:
    return next(_ids)


def user(user_id: int, first_name: str, language_code: str = "de") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name,
            "language_code": language_code}


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int, title: str = "Arbeitskreis Integration") -> dict[str, Any]:
    assert chat_id < 0, "group chat ids are negative"
    return {"id": chat_id, "type": "supergroup", "title": title}


def message(sender: dict[str, Any], chat: dict[str, Any], text: str | None = None,
            **content: Any) -> dict[str, Any]:
    """A message from ``sender``; a text starting with "/" carries a command entity."""
    sent: dict[str, Any] = {"message_id": 10_000 + next_id(), "date": DATE, "chat": chat,
                            "from": sender, **content}
    if text is not None:
        sent["text"] = text
        if text.startswith("/"):
            sent["entities"] = [{"type": "bot_command", "offset": 0,
                                 "length": len(text.split()[0])}]
    return sent


def message_update(sent: dict[str, Any], *, edited: bool = False) -> dict[str, Any]:
    if edited:
        return {"update_id": next_id(), "edited_message": {**sent, "edit_date": DATE + 60}}
    return {"update_id": next_id(), "message": sent}


def shown(stored: StoredMessage, chat: dict[str, Any]) -> dict[str, Any]:
    """A message the bot sent, as Telegram includes it in a callback query."""
    data: dict[str, Any] = {"message_id": stored.message_id, "date": DATE, "chat": chat,
                            "text": stored.text or "",
                            "from": {k: BOT_USER[k] for k in ("id", "is_bot", "first_name")}}
    if stored.reply_markup:
        data["reply_markup"] = stored.reply_markup
    return data


def callback_update(sender: dict[str, Any], data: str | None,
                    message_shown: dict[str, Any] | None) -> dict[str, Any]:
    """A button tap; without ``message_shown`` it is a tap on an inline-mode message."""
    query: dict[str, Any] = {"id": str(next_id()), "from": sender,
                             "chat_instance": str(sender["id"])}
    if data is not None:
        query["data"] = data
    if message_shown is None:
        query["inline_message_id"] = f"inline-{next_id()}"
    else:
        query["message"] = message_shown
    return {"update_id": next_id(), "callback_query": query}
