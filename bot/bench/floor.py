"""Measures the floor (``bot.bench.floor_bot``) under the same burst as the bot.

Same HTTP Bot API, same latency, same people tapping as often and as spread;
a tap counts once its callback is answered and its message edited.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bench.fake_bot_api import Call
from bot.bench.http_bot_api import HttpBotAPI
from bot.bench.targets import process_cpu_seconds


@dataclass
class FloorResult:
    taps: int = 0
    cpu_seconds: float = 0.0
    lost_taps: int = 0

    @property
    def cpu_ms_per_tap(self) -> float:
        return 1000 * self.cpu_seconds / self.taps if self.taps else 0.0


class _Person:
    def __init__(self, user_id: int) -> None:
        self.user = {"id": user_id, "is_bot": False, "first_name": f"F{user_id}"}
        self.message: dict[str, Any] | None = None
        self.answered = asyncio.Event()
        self.edited = asyncio.Event()


async def run_floor(users: int, taps_each: int, latency: float, spread: float,
                    sample: dict[str, Any], directory: Path, timeout: float) -> FloorResult:
    server = HttpBotAPI()
    people = {100_000 + i: _Person(100_000 + i) for i in range(users)}
    server.api.on_answer = lambda call: _saw(people, call)
    await server.start()
    sample_path = directory / "floor-sample.json"
    sample_path.write_text(json.dumps(sample), encoding="utf-8")
    with (directory / "floor.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.bench.floor_bot", f"{server.base_url}123456:FLOOR",
             str(directory / "floor.db"), str(sample_path)], stdout=log, stderr=subprocess.STDOUT)
    result = FloorResult()
    try:
        while server.get_updates_calls == 0:
            if process.poll() is not None:
                raise SystemExit("bench: the floor bot did not start: "
                                 + (directory / "floor.log").read_text()[-2000:])
            await asyncio.sleep(0.05)
        for person in people.values():
            server.push({"message": {"message_id": 1, "date": int(time.time()), "text": "/start",
                                     "chat": {"id": person.user["id"], "type": "private"},
                                     "from": person.user}})
        while any(p.message is None for p in people.values()):
            await asyncio.sleep(0.01)
        server.latency = latency
        cpu_before = process_cpu_seconds(process.pid)
        for round_number in range(taps_each):
            offsets = random.Random(round_number)
            done = await asyncio.gather(*(_tap(server, p, offsets.uniform(0, spread), timeout)
                                          for p in people.values()))
            result.taps += sum(done)
            result.lost_taps += len(done) - sum(done)
        result.cpu_seconds = process_cpu_seconds(process.pid) - cpu_before
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 30)
        await server.stop()
    return result


async def _tap(server: HttpBotAPI, person: _Person, delay: float, timeout: float) -> bool:
    if delay:
        await asyncio.sleep(delay)
    person.answered.clear()
    person.edited.clear()
    server.push({"callback_query": {"id": f"{person.user['id']}-{time.perf_counter_ns()}",
                                    "from": person.user, "chat_instance": "1", "data": "tap",
                                    "message": person.message}})
    try:
        async with asyncio.timeout(timeout):
            await person.answered.wait()
            await person.edited.wait()
    except TimeoutError:
        return False
    return True


def _saw(people: dict[int, _Person], call: Call) -> None:
    if call.method == "answerCallbackQuery":
        person = people.get(int(str(call.params["callback_query_id"]).split("-", 1)[0]))
        if person is not None:
            person.answered.set()
        return
    person = people.get(int(call.params.get("chat_id", 0)))
    if person is None or not isinstance(call.result, dict):
        return
    if call.method == "sendMessage":
        person.message = call.result
    elif call.method == "editMessageText":
        person.edited.set()
