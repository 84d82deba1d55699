"""Fetching updates so that one the library cannot read never stops the bot.

PTB decodes each ``getUpdates`` batch as a whole. If one update in it lacks a
field the library requires (a message carrying a ``poll`` from a newer Bot API
version, say), decoding fails, the batch is not acknowledged and PTB fetches
the same batch again without pause: polling has stopped for good, the log
fills with tracebacks holding the raw updates, and nobody gets an answer.
Here such an update is logged once (without its content), replaced by an empty
update with its number, which no handler takes, and so acknowledged with the
rest of the batch; everybody else's updates go on. Answer taps are set aside
here too, before PTB decodes the batch (bot/telegram/answer_taps.py).

Failed ``getUpdates`` calls (Telegram unreachable, another instance polling)
are logged in one short line a minute instead of a traceback each time; PTB's
polling loop retries them with its growing pause.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.telegram.answer_taps import set_aside_update
from bot.telegram.liveness import Liveness
from bot.telegram.log_limit import LimitedLog

log = logging.getLogger(__name__)

# The update types the bot's handlers take: commands and texts in private chats,
# button taps. Telegram sends no others (channel posts, business messages, polls,
# member changes …), so they cost nothing and cannot trip the library up.
ALLOWED_UPDATES = ("message", "callback_query")
# PTB logs a batch it cannot decode whole, personal data and all; we log what matters.
_PTB_RAW_DUMP = "Error while parsing updates!"


class ReadingBot(ExtBot[None]):
    """PTB's bot with update fetching that skips what it cannot read and reports progress."""

    def __init__(self, *args: Any, liveness: Liveness, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._liveness = liveness
        self._fetched: list[dict[str, Any]] | None = None
        self._unreadable = LimitedLog(log)
        self._fetch_failed = LimitedLog(log)
        self._LOGGER.addFilter(_drop_raw_dump)  # the logger PTB dumps the batch to

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        self._liveness.fetch_attempted()
        self._fetched = None
        try:
            updates = await super().get_updates(*args, **kwargs)
        except TelegramError as error:
            self._fetch_failed(logging.WARNING, "getUpdates failed: %s: %s",
                               type(error).__name__, error.message)
            raise  # PTB's polling loop retries after a pause
        except Exception:
            if self._fetched is None:  # not a decoding failure: nothing to skip
                raise
            updates = self._readable(self._fetched)
        finally:
            self._fetched = None
        self._liveness.fetched()
        return updates

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        """Sets answer taps aside in the raw ``getUpdates`` answer (bot/telegram/answer_taps.py)
        and keeps it at hand, to decode it update by update if need be."""
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates":
            result = self._fetched = [set_aside_update(update) for update in result]
        return result

    def _readable(self, fetched: Sequence[dict[str, Any]]) -> tuple[Update, ...]:
        readable = []
        for data in fetched:
            try:
                update = Update.de_json(data, self)
            except Exception as error:  # noqa: BLE001 (whatever the library trips over)
                update_id = data.get("update_id") if isinstance(data, dict) else None
                if not isinstance(update_id, int):
                    continue  # nothing to acknowledge it by; Telegram numbers every update
                kinds = ",".join(k for k in data if k != "update_id")
                self._unreadable(logging.WARNING, "update_id=%d (%s) could not be read and is "
                                 "skipped: %s", update_id, kinds, type(error).__name__)
                update = Update(update_id=update_id)  # carries nothing: no handler takes it
                update.set_bot(self)
            self.insert_callback_data(update)
            readable.append(update)
        return tuple(readable)


def _drop_raw_dump(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(_PTB_RAW_DUMP)
