"""Bulk notifications: the same messages to many people, paced for Telegram's flood limits.

Telegram allows a bot about 30 messages per second overall when it writes to
many chats. Replies to a person's own tap are exempt from that cap (so the
application's rate limiter has no overall limit); a bulk notification is not,
so it takes its turn here: one limiter for the whole application, one message
at a time, at most ``rate`` per second. A flood-control answer (429) is
waited out and the message retried; a person who blocked the bot (403) or
whose chat is gone is skipped, and the others still get their messages. A
message that may have arrived before the connection broke is not sent again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.flows.outcome import BroadcastReport, Reply
from bot.telegram.delivery import send_text
from bot.telegram.network import may_retry

log = logging.getLogger(__name__)

BULK_RATE = 30.0  # messages per second, Telegram's limit for notifying many people


class Broadcaster:
    """The Telegram channel's part of :class:`bot.flows.delivery.Delivery`.

    Create one per application (the limiter is shared by every broadcast).
    The dispatcher hands it only people reached in Telegram, whose private
    chat's id is their user id.
    """

    def __init__(self, bot: Bot, rate: float = BULK_RATE, attempts: int = 3) -> None:
        self._bot = bot
        # A bucket of one message that drains at ``rate`` per second: evenly
        # spaced sends, never a burst above the limit in any one-second window.
        self._limiter = AsyncLimiter(1, 1 / rate)
        self._attempts = attempts

    async def deliver(self, people: tuple[int, ...],
                      replies: tuple[Reply, ...]) -> BroadcastReport:
        delivered = 0
        for chat_id in people:
            # A negative chat id is a Telegram group's, never a person's: never send there.
            if chat_id > 0 and await self._deliver(chat_id, replies):
                delivered += 1
        return BroadcastReport(delivered=delivered, unreachable=len(people) - delivered)

    async def _deliver(self, chat_id: int, replies: tuple[Reply, ...]) -> bool:
        """All messages to one person; False as soon as they cannot be reached."""
        for reply in replies:
            for attempt in range(1, self._attempts + 1):
                async with self._limiter:
                    try:
                        await send_text(self._bot, chat_id, reply)
                        break
                    except RetryAfter as error:
                        wait = _seconds(error)
                    except (Forbidden, BadRequest) as error:
                        # blocked the bot, deleted the account or never opened the chat
                        log.info("bulk message not delivered (%s)", error.message)
                        return False
                    except NetworkError as error:
                        if not may_retry("sendMessage", error):
                            # It may have arrived: sending it again could show it twice
                            # (see bot.network), so it counts as sent.
                            log.warning("bulk message may have arrived (%s); not repeated",
                                        type(error.__cause__ or error).__name__)
                            break
                        log.warning("bulk message failed (%s), attempt %d", error.message, attempt)
                        wait = 1.0
                    except TelegramError as error:
                        log.warning("bulk message failed (%s), attempt %d", error.message, attempt)
                        wait = 1.0
                if attempt == self._attempts:
                    log.warning("bulk message given up after %d attempts", attempt)
                    return False
                await asyncio.sleep(wait)
        return True


def _seconds(error: RetryAfter) -> float:
    value = error.retry_after  # an int today, a timedelta in a future PTB version
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
