"""Answer taps, decoded once from the raw update: the one update a workshop sends by the hundred.

PTB turns every update into its object tree – the tapped message with its
text and keyboard included – although an answer needs five values from it;
skipping that took 10–15 % off the CPU of a tap (README, before → after).
So ``getUpdates``' answer is looked at before PTB decodes it: a tap on an
answer button in a private chat travels on as a bare update that carries the
raw callback query under :data:`RAW_KEY` (PTB keeps keys it does not know in
``api_kwargs`` without decoding them). It goes through the update queue in its
place, so the per-person order is kept (``bot.telegram.update_processor`` reads
the person from it), and :func:`answer` – the first handler every update meets
– turns it into the typed :class:`~bot.flows.actions.Answer`, asks the flows
and sends the calls. Every other update, and every tap of a webhook run (PTB
decodes those itself), takes the handlers' way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler
from telegram.request import BaseRequest, RequestData

from bot.flows.actions import Answer, decode
from bot.telegram.context import BotContext
from bot.telegram.delivery import LiveStatement, Tapped, carry_out
from bot.telegram.network import WrappingRequest

RAW_KEY = "selbstcheck_answer_tap"  # never a field of Telegram's updates


@dataclass(frozen=True)
class AnswerTap:
    person: int
    chat_id: int
    tapped: Tapped
    action: Answer


def set_aside(body: bytes) -> bytes:
    """``getUpdates``' answer with each private answer tap moved under :data:`RAW_KEY`."""
    if b'"callback_query"' not in body:
        return body
    answer = json.loads(body)
    updates = answer.get("result") if answer.get("ok") else None
    if not isinstance(updates, list):
        return body
    changed = False
    for index, update in enumerate(updates):
        updates[index] = set_aside_update(update)
        changed = changed or updates[index] is not update
    return json.dumps(answer).encode() if changed else body


def set_aside_update(update: dict[str, Any]) -> dict[str, Any]:
    """One raw update: a private answer tap set aside, any other update as it is."""
    query = update.get("callback_query")
    if isinstance(query, dict) and _is_private_answer(query):
        return {"update_id": update["update_id"], RAW_KEY: query}
    return update


def _is_private_answer(query: dict[str, Any]) -> bool:
    message = query.get("message")
    return (isinstance(message, dict) and isinstance(query.get("from"), dict)
            and message.get("chat", {}).get("type") == "private"
            and isinstance(decode(query.get("data")), Answer))


def raw_tap(update: object) -> dict[str, Any] | None:
    """The raw callback query an update set aside carries, else None."""
    if isinstance(update, Update) and update.api_kwargs:
        raw = update.api_kwargs.get(RAW_KEY)
        return raw if isinstance(raw, dict) else None
    return None


def person_of(raw: dict[str, Any]) -> int:
    return int(raw["from"]["id"])


def answer_tap(raw: dict[str, Any]) -> AnswerTap:
    """The typed tap: set aside only if its data decodes to an Answer."""
    action = decode(raw.get("data"))
    assert isinstance(action, Answer)
    message = raw["message"]
    return AnswerTap(person_of(raw), int(message["chat"]["id"]),
                     Tapped(str(raw["id"]), int(message["message_id"])), action)


async def answer(update: Update, context: BotContext) -> None:
    """Store the answer and show the next statement; no other handler sees the update."""
    raw = raw_tap(update)
    assert raw is not None  # the handler takes nothing else
    tap = answer_tap(raw)
    flows = context.services.flows
    await flows.note_activity(tap.person)  # as the gate does for every private update
    # Only private chats' answer taps are set aside (see set_aside_update).
    live = LiveStatement(context.bot, context.services, tap.chat_id)
    await carry_out(context.bot, context.services, tap.chat_id, tap.tapped,
                    await flows.act(tap.person, tap.action), live)
    raise ApplicationHandlerStop


class AnswerTapHandler(BaseHandler[Update, BotContext, None]):
    """Takes the updates set aside, and only those."""

    def __init__(self) -> None:
        super().__init__(answer)

    def check_update(self, update: object) -> bool:
        return raw_tap(update) is not None


class SettingAsideRequest(WrappingRequest):
    """The client for ``getUpdates``, setting answer taps aside in its answers."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        status, body = await self.inner.do_request(
            url, method, request_data, read_timeout=read_timeout,  # type: ignore[arg-type]
            write_timeout=write_timeout, connect_timeout=connect_timeout,  # type: ignore[arg-type]
            pool_timeout=pool_timeout)  # type: ignore[arg-type]
        if status == 200 and url.endswith("/getUpdates"):
            return status, set_aside(body)
        return status, body
