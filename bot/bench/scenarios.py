"""What the people do in a run: one person alone, the burst, the sessions left open."""

from __future__ import annotations

import asyncio
import gc
import random
import time

from bot.bench.config import BenchConfig
from bot.bench.crowd import Crowd, Person, Tap, everyone
from bot.bench.fake_bot_api import FakeBotAPI
from bot.bench.http_bot_api import HttpBotAPI
from bot.bench.report import Report


async def _single_person(crowd: Crowd, api: FakeBotAPI | HttpBotAPI, config: BenchConfig,
                         report: Report) -> None:
    """The reference: one person alone, at the same latency."""
    person = crowd.person(1)
    api.latency = 0.0
    await person.begin()
    api.latency = config.latency
    for _ in range(config.statements):
        report.single.add(await person.answer_next())


async def _burst(crowd: Crowd, api: FakeBotAPI | HttpBotAPI, config: BenchConfig, report: Report) -> None:
    """Everybody taps at the same moment, statement after statement; some end their run."""
    people = [crowd.person(100_000 + i) for i in range(config.users)]
    finishers = [crowd.person(200_000 + i) for i in range(config.run_ends)]
    api.latency = 0.0
    await everyone(people + finishers, "begin")
    for _ in range(len(crowd.order) - 1):  # up to their last statement, before the clock runs
        await everyone(finishers, "answer_next")
    api.latency = config.latency
    gc.collect()
    calls_before, wall_before = crowd.calls, time.perf_counter()
    cpu_before, driver_before = crowd.target.cpu_seconds(), time.process_time()
    methods_before = crowd.calls_by_method.copy()
    first_second = int(wall_before)
    ending: list[asyncio.Task[Tap]] = []
    for round_number in range(config.statements):
        # The round waits for the others' replies, not for the summaries of the run ends.
        ending += [asyncio.create_task(p.answer_next())
                   for p in finishers[round_number::config.statements]]
        offsets = random.Random(round_number)
        for tap in await asyncio.gather(*(_answer_after(p, offsets.uniform(0, config.spread))
                                          for p in people)):
            report.burst.add(tap)
    # The rounds are over; summaries still on their way are not part of the answer rate.
    report.burst_seconds = time.perf_counter() - wall_before
    report.burst_cpu_seconds = crowd.target.cpu_seconds() - cpu_before
    report.driver_cpu_seconds = time.process_time() - driver_before
    for tap in await asyncio.gather(*ending):
        report.run_ends.add(tap)
    await crowd.target.settled()
    report.burst_calls = crowd.calls - calls_before
    report.burst_calls_by_method = crowd.calls_by_method - methods_before
    report.burst_peak_calls_per_second = max(
        (n for second, n in crowd.calls_by_second.items() if second >= first_second), default=0)


async def _answer_after(person: Person, delay: float) -> Tap:
    if delay:
        await asyncio.sleep(delay)
    return await person.answer_next()


async def _sessions(crowd: Crowd, api: FakeBotAPI | HttpBotAPI, config: BenchConfig, report: Report) -> None:
    """Many people with a run started and left mid-way: what stays in memory."""
    people = [crowd.person(1_000_000 + i) for i in range(config.sessions)]
    api.latency = config.latency
    await everyone(people, "begin")
    for _ in range(config.session_answers):
        await everyone(people, "answer_next")
    await crowd.target.settled()
    report.rss_sessions_mb = crowd.target.rss_mb()
    report.sessions_active = len(people)



async def phases(crowd: Crowd, api: FakeBotAPI | HttpBotAPI, config: BenchConfig,
                  report: Report) -> None:
    await _single_person(crowd, api, config, report)
    await _burst(crowd, api, config, report)
    if config.sessions:
        await _sessions(crowd, api, config, report)
