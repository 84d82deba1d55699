"""The floor: the least a bot can do per tap, with the bot's HTTP client and no framework.

``python -m bot.bench.floor_bot BASE_URL DATABASE SAMPLE_JSON`` polls
``getUpdates``, and per tap answers the callback query, commits one row with
aiosqlite and edits the tapped message with the text and keyboard in
``SAMPLE_JSON`` (one the bot itself sent) – the calls the bot makes for a tap,
from raw JSON. The benchmark divides the bot's CPU per tap by this one's.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from typing import Any

import aiohttp
import aiosqlite


class FloorBot:
    def __init__(self, base_url: str, database: aiosqlite.Connection, text: str,
                 reply_markup: str) -> None:
        self.base_url = base_url
        self.database = database
        self.text = text
        self.reply_markup = reply_markup  # encoded once
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))
        self.tasks: set[asyncio.Task[None]] = set()
        self.taps = 0

    async def call(self, method: str, form: dict[str, str]) -> bytes:
        async with self.session.post(f"{self.base_url}/{method}", data=form) as response:
            body = await response.read()
            if response.status != 200:
                raise RuntimeError(f"{method}: {body.decode(errors='replace')}")
            return body

    async def poll(self) -> None:
        offset = 0
        while True:
            body = await self.call("getUpdates", {"offset": str(offset), "timeout": "10",
                                                  "limit": "100"})
            for update in json.loads(body)["result"]:
                offset = update["update_id"] + 1
                task = asyncio.create_task(self.handle(update))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)

    async def handle(self, update: dict[str, Any]) -> None:
        query = update.get("callback_query")
        if query is not None:
            await self.tap(query)
        elif "message" in update:
            await self.call("sendMessage", {"chat_id": str(update["message"]["chat"]["id"]),
                                            "text": self.text, "parse_mode": "HTML",
                                            "reply_markup": self.reply_markup})

    async def tap(self, query: dict[str, Any]) -> None:
        message = query["message"]
        self.taps += 1
        await self.call("answerCallbackQuery", {"callback_query_id": query["id"]})
        await self.database.execute("INSERT INTO taps (person, data) VALUES (?, ?)",
                                    (query["from"]["id"], query["data"]))
        await self.database.commit()
        # The tap's number keeps the text new, as the next statement would be.
        await self.call("editMessageText", {
            "chat_id": str(message["chat"]["id"]), "message_id": str(message["message_id"]),
            "text": f"{self.text} {self.taps}", "parse_mode": "HTML",
            "reply_markup": self.reply_markup})


async def main(base_url: str, database_path: str, sample_path: str) -> None:
    with open(sample_path, encoding="utf-8") as sample_file:
        sample = json.load(sample_file)
    async with aiosqlite.connect(database_path) as database:
        await database.execute("PRAGMA journal_mode=WAL")
        await database.execute("PRAGMA synchronous=NORMAL")
        await database.execute("CREATE TABLE IF NOT EXISTS taps "
                               "(id INTEGER PRIMARY KEY, person INTEGER, data TEXT)")
        bot = FloorBot(base_url, database, sample["text"], json.dumps(sample["reply_markup"]))
        polling = asyncio.create_task(bot.poll())
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        polling.cancel()
        await asyncio.gather(polling, *bot.tasks, return_exceptions=True)
        await bot.session.close()


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:
        uvloop = None  # type: ignore[assignment]
    if uvloop is not None:  # as the bot runs
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(main(*sys.argv[1:4]))
