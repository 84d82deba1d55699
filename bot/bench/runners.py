"""Running the bot for a benchmark: as its own process over HTTP, or in this process in memory."""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from bot.app import open_services
from bot.bench.browser import BrowserFigures, browser_benchmark
from bot.bench.commit_probe import measure_commit_rate
from bot.bench.config import TRANSPORTS, BenchConfig, write_synthetic_questionnaire
from bot.bench.crowd import Crowd, Person, everyone, person_id
from bot.bench.fake_bot_api import Call, FakeBotAPI
from bot.bench.floor import run_floor
from bot.bench.http_bot_api import HttpBotAPI
from bot.bench.pdf_flood import PdfFloodFigures, pdf_flood
from bot.bench.report import FloodReport, Report
from bot.bench.scenarios import phases
from bot.bench.targets import BotProcess, InProcessBot, current_rss_mb, free_port, peak_rss_mb
from bot.config import Settings
from bot.domain.clock import SystemClock
from bot.domain.questionnaire import Questionnaire, load_questionnaire
from bot.output.render import Renderer
from bot.output.workers import DRAWING
from bot.resources import QUESTIONS_DIR
from bot.runtime import tune_garbage_collector
from bot.store.storage import Storage


async def _stored_answers(database: Path, people: Iterable[Person]) -> int:
    """Answers in the database after the bot has stopped: what survived the burst."""
    storage = await Storage.open(str(database), SystemClock())
    try:
        total = 0
        for person in people:
            run = await storage.runs.active_run(person.id)
            if run is None:
                finished = await storage.runs.finished_runs(person.id)
                run = finished[0] if finished else None
            if run is not None:
                total += len(await storage.runs.answers(run.id))
        return total
    finally:
        await storage.close()


async def run_benchmark(config: BenchConfig, api: FakeBotAPI | None = None) -> Report:
    """Run every phase; ``api`` lets a test arrange Telegram's errors (e.g. flood control)."""
    if config.transport not in TRANSPORTS:
        raise ValueError(f"unknown transport {config.transport!r}")
    report = Report(config=config, questionnaire="", load_average=os.getloadavg()[0])
    with tempfile.TemporaryDirectory(prefix="selbstcheck-bench-", dir=config.directory) as tmp:
        base = Path(tmp)
        questions = base / "questions"
        if config.shipped_questionnaire:
            questionnaire = load_questionnaire()
            questions = QUESTIONS_DIR
            report.questionnaire = "shipped"
        else:
            questionnaire = load_questionnaire(write_synthetic_questionnaire(questions))
            report.questionnaire = "synthetic"
        if config.statements > len(questionnaire.statements):
            raise SystemExit(f"--statements: the questionnaire has only "
                             f"{len(questionnaire.statements)} statements")
        report.questionnaire += (f", {len(questionnaire.fields)} fields, "
                                 f"{len(questionnaire.statements)} statements")
        report.answers_expected = (config.statements * (config.users + 1)
                                   + config.run_ends * len(questionnaire.statements)
                                   + config.sessions * config.session_answers)
        database = base / "bench.db"
        if config.transport == "memory":
            crowd = await _in_process(config, questionnaire, database, report,
                                      api or FakeBotAPI(keep_calls=False))
        else:
            crowd = await _as_process(config, questionnaire, database, questions, report,
                                      HttpBotAPI(api))
        report.answers_stored = await _stored_answers(database, crowd.people.values())
        report.answers_counted = crowd.answers_counted
        report.lost_taps = crowd.lost_taps
        if config.floor and config.transport != "memory" and crowd.sample_edit is not None:
            floor = await run_floor(config.users, config.statements, config.latency,
                                    config.spread, crowd.sample_edit, base, config.tap_timeout)
            report.floor_cpu_ms_per_tap = floor.cpu_ms_per_tap
            report.floor_lost_taps = floor.lost_taps
        if config.browser_users:
            report.browser = await _browser_run(config, questions, base)
        report.commit_rate = await measure_commit_rate(base / "commit-probe.db",
                                                       config.commit_seconds)
    return report


async def run_browser_benchmark(config: BenchConfig) -> BrowserFigures:
    """The browser channel against its floor alone, without the Telegram run."""
    with tempfile.TemporaryDirectory(prefix="selbstcheck-bench-", dir=config.directory) as tmp:
        base = Path(tmp)
        questions = (QUESTIONS_DIR if config.shipped_questionnaire
                     else write_synthetic_questionnaire(base / "questions"))
        return await _browser_run(config, questions, base)


async def _browser_run(config: BenchConfig, questions: Path, base: Path) -> BrowserFigures:
    """The browser channel as its own process on a database of its own, after the Telegram run."""
    return await browser_benchmark(config.browser_users, config.statements, questions, base,
                                   config.bot_python)


async def _in_process(config: BenchConfig, questionnaire: Questionnaire, database: Path,
                      report: Report, api: FakeBotAPI) -> Crowd:
    """The Application in this process, updates put into its queue: no network at all."""
    report.rss_start_mb = current_rss_mb()
    bot = InProcessBot(Settings(token="123456:BENCH", database=str(database)), questionnaire, api)
    crowd = Crowd(bot, questionnaire, config.tap_timeout)
    api.on_answer = crowd.on_answer
    async with bot.running():
        collector_settings = gc.get_threshold()
        tune_garbage_collector()  # as the command line does before the bot goes online
        try:
            await phases(crowd, api, config, report)
        finally:
            gc.unfreeze()  # leave the process as it was (the tests run the benchmark)
            gc.set_threshold(*collector_settings)
    report.peak_rss_mb = peak_rss_mb()
    await asyncio.to_thread(DRAWING.shut_down)  # a finished child reports its peak memory
    report.drawing_peak_rss_mb = _children_peak_rss_mb()
    return crowd


async def _as_process(config: BenchConfig, questionnaire: Questionnaire, database: Path,
                      questions: Path, report: Report, server: HttpBotAPI) -> Crowd:
    """``python -m bot`` as deployed, over HTTP, polling or with a webhook."""
    port = free_port()  # the bot's HTTP server: the browser channel, and the webhook
    webhook = config.transport == "webhook"
    if webhook:
        server.webhook_target = f"http://127.0.0.1:{port}/telegram"
    await server.start()
    bot = BotProcess(server, database, questions, database.with_suffix(".log"), port=port,
                     webhook=webhook, python=config.bot_python)
    crowd = Crowd(bot, questionnaire, config.tap_timeout)
    server.api.on_answer = crowd.on_answer
    try:
        await bot.start()
        report.rss_start_mb = bot.rss_mb()
        await phases(crowd, server, config, report)
        report.peak_rss_mb = bot.peak_rss_mb()
        report.drawing_peak_rss_mb = bot.children_peak_rss_mb()
    finally:
        await bot.stop()
        await server.stop()
    if webhook:
        report.webhook_failures = server.webhook_failures
    if crowd.lost_taps:
        print(bot.output(), file=sys.stderr)
    return crowd



async def run_flood_benchmark(config: BenchConfig, flood: int, others: int = 20) -> FloodReport:
    """One person sends ``flood`` /bericht at once (each a PDF, as in the incident that
    motivated fair scheduling) while ``others`` people answer statements."""
    report = FloodReport(flood=flood, others=others)
    with tempfile.TemporaryDirectory(prefix="selbstcheck-bench-", dir=config.directory) as tmp:
        base = Path(tmp)
        questionnaire = load_questionnaire(write_synthetic_questionnaire(base / "questions",
                                                                         fields=1, per_field=15))
        api = FakeBotAPI(keep_calls=False)
        bot = InProcessBot(Settings(token="123456:BENCH", database=str(base / "bench.db")),
                           questionnaire, api)
        crowd = Crowd(bot, questionnaire, config.tap_timeout)
        flooder = crowd.person(3_000_000)

        def on_answer(call: Call) -> None:
            crowd.on_answer(call)
            if person_id(call) == flooder.id:
                report.flooder_calls[call.method] += 1
        api.on_answer = on_answer
        async with bot.running() as services:
            await flooder.begin()
            while flooder.statement is not None:  # a finished run, so /bericht makes a PDF
                if (await flooder.answer_next()).expects is None:
                    break
            storage = services.storage
            await storage.people.set_municipality_name(flooder.id, None)  # "Überspringen"
            people = [crowd.person(3_000_001 + i) for i in range(others)]
            await everyone(people, "begin")
            api.latency = config.latency
            half = config.statements // 2
            for _ in range(half):
                for tap in await everyone(people, "answer_next"):
                    report.calm.add(tap)
            started = time.perf_counter()
            for _ in range(flood):
                crowd.target.deliver(flooder.command_update("/bericht"))
            for _ in range(config.statements - half):
                for tap in await everyone(people, "answer_next"):
                    report.flooded.add(tap)
            await bot.settled()
            report.flood_seconds = time.perf_counter() - started
        report.lost_taps = crowd.lost_taps
    return report



async def run_pdf_flood(config: BenchConfig, sessions: int, same_address: bool = False, *,
                        requests_each: int = 5, others: int = 3) -> PdfFloodFigures:
    """:func:`bot.bench.pdf_flood.pdf_flood` on a database and a 7 x 3 questionnaire of its own."""
    with tempfile.TemporaryDirectory(prefix="selbstcheck-bench-", dir=config.directory) as tmp:
        base = Path(tmp)
        questionnaire = load_questionnaire(write_synthetic_questionnaire(base / "questions",
                                                                         fields=7, per_field=3))
        settings = Settings(token=None, database=str(base / "pdf-flood.db"))
        services = await open_services(settings, questionnaire, Renderer(), None)
        try:
            return await pdf_flood(services, sessions, requests_each, others, same_address)
        finally:
            await services.storage.close()


def _children_peak_rss_mb() -> float | None:
    """The largest peak RSS of the child processes that have ended: the drawing process."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if not peak:
        return None
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
