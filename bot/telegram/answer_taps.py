"""Answer taps, decoded once from the raw update: the one update a workshop sends by the hundred.

PTB turns every update into its object tree – the tapped message with its
text and keyboard included – although an answer needs five values from it;
skipping that took 10–15 % off the CPU of a tap (README, before → after).
So ``getUpdates``' answer is looked at before PTB decodes it
(:class:`~bot.telegram.polling.ReadingBot`): a tap on an answer button in a
private chat travels on as a bare update that carries the typed
:class:`AnswerTap` under :data:`RAW_KEY` (PTB keeps keys it does not know in
``api_kwargs`` as they are). It goes through the update queue in its place, so
the per-person order is kept (``bot.telegram.update_processor`` reads the
person from it), and :func:`answer` – the first handler every update meets –
asks the flows and sends the calls. Every other update, any update whose tap
cannot be read this way, and every tap of a webhook run (PTB decodes those
itself) takes the handlers' way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler

from bot.domain.spoken import speaking
from bot.flows.actions import Answer
from bot.flows.buttons import decode
from bot.telegram.context import BotContext
from bot.telegram.delivery import LiveStatement, Tapped, carry_out

RAW_KEY = "selbstcheck_answer_tap"  # never a field of Telegram's updates


@dataclass(frozen=True)
class AnswerTap:
    person: int
    chat_id: int
    tapped: Tapped
    action: Answer
    wish: str | None = None  # the language the person's Telegram is set to


def set_aside_update(update: dict[str, Any]) -> dict[str, Any]:
    """One raw update: a private answer tap set aside, any other update as it is.

    An update that cannot be read as a tap (a field missing or of another type)
    is left as it is, for PTB to decode or the polling to skip.
    """
    try:
        tap = _private_answer(update.get("callback_query"))
        return update if tap is None else {"update_id": update["update_id"], RAW_KEY: tap}
    except (AttributeError, KeyError, TypeError, ValueError):
        return update


def _private_answer(query: object) -> AnswerTap | None:
    if not isinstance(query, dict):
        return None
    message = query.get("message")
    if not (isinstance(message, dict) and message["chat"]["type"] == "private"):
        return None
    action = decode(query["data"])
    if not isinstance(action, Answer):
        return None
    wish = query["from"].get("language_code")
    return AnswerTap(int(query["from"]["id"]), int(message["chat"]["id"]),
                     Tapped(str(query["id"]), int(message["message_id"])), action,
                     wish if isinstance(wish, str) else None)


def tap_of(update: object) -> AnswerTap | None:
    """The answer tap an update set aside carries, else None."""
    if isinstance(update, Update) and update.api_kwargs:
        tap = update.api_kwargs.get(RAW_KEY)
        return tap if isinstance(tap, AnswerTap) else None
    return None


async def answer(update: Update, context: BotContext) -> None:
    """Store the answer and show the next statement; no other handler sees the update."""
    tap = tap_of(update)
    assert tap is not None  # the handler takes nothing else
    flows = context.services.flows
    await flows.note_activity(tap.person)  # as the gate does for every private update
    # Only private chats' answer taps are set aside (see set_aside_update).
    live = LiveStatement(context.bot, context.services, tap.chat_id)
    with speaking(await flows.languages.of(tap.person, (tap.wish,) if tap.wish else ())):
        await carry_out(context.bot, context.services, tap.chat_id, tap.tapped,
                        await flows.act(tap.person, tap.action), live)
    raise ApplicationHandlerStop


class AnswerTapHandler(BaseHandler[Update, BotContext, None]):
    """Takes the updates set aside, and only those."""

    def __init__(self) -> None:
        super().__init__(answer)

    def check_update(self, update: object) -> bool:
        return tap_of(update) is not None
