"""Benchmark: the real bot under a workshop burst, on the network path a deployment runs.

``python -m bot.bench --help`` lists the settings. By default the bot runs as
in production – ``python -m bot``, its own process with its real HTTP client –
against a Bot API served over HTTP on 127.0.0.1 that delays every call by
``--latency`` and hands out updates by ``getUpdates`` (``--transport polling``)
or posts them to the bot's webhook (``webhook``); ``memory`` drives the
Application in this process through its update queue with the in-memory fake
instead. A tap's reply time runs from handing its update over until the fake
has answered the call that shows the person the next statement (or, on the last
statement, the edit of the tapped message). In the same run a floor – the same
calls per tap with the same HTTP client and one aiosqlite commit, from raw JSON
without a framework (``bot.bench.floor_bot``) – gives the bot's CPU per tap a
measure that does not depend on the machine. The figures belong in the README,
not in timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import math
import os
import platform
import random
import resource
import sqlite3
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bot.app import open_services
from bot.bench.browser import BrowserFigures, browser_burst
from bot.bench.commit_probe import measure_commit_rate
from bot.bench.fake_bot_api import Call, FakeBotAPI
from bot.bench.floor import run_floor
from bot.bench.http_bot_api import HttpBotAPI
from bot.bench.targets import BotProcess, InProcessBot, current_rss_mb, free_port, peak_rss_mb
from bot.config import Settings
from bot.domain.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire
from bot.flows import actions
from bot.flows.actions import Answer, Begin, decode, encode
from bot.output.render import Renderer
from bot.output.workers import DRAWING
from bot.resources import QUESTIONS_DIR
from bot.runtime import tune_garbage_collector
from bot.store.storage import Storage

TELEGRAM_BULK_RATE = 30  # messages per second to many different chats
TELEGRAM_CHAT_RATE = 1  # messages per second into one chat
CHOICES = "ABCDE"
TRANSPORTS = ("polling", "webhook", "memory")


@dataclass(frozen=True)
class BenchConfig:
    users: int = 300
    statements: int = 15
    latency: float = 0.1
    # Seconds over which each round's taps arrive, at random moments: 0 is the
    # hardest case, everybody in the same instant; people who read a statement
    # on the projector and tap "at the same moment" spread over a second or more.
    spread: float = 0.0
    sessions: int = 1000
    session_answers: int = 10
    # People who end their run during the burst, each with their last answer at the
    # same moment as one of the rounds: the summary with its chart is drawn while the
    # others tap. None: one per 100 answers of the burst (45 for 300 x 15), as often
    # as a run of the shipped questionnaire (98 statements) ends.
    finishers: int | None = None
    shipped_questionnaire: bool = False
    directory: Path = Path(".")  # a temporary directory in it holds the databases
    commit_seconds: float = 1.0
    tap_timeout: float = 60.0
    transport: str = "polling"  # see TRANSPORTS
    floor: bool = True  # measure the floor too (not with the in-memory transport)
    bot_python: str = sys.executable  # the installation whose bot runs as a process
    # People answering in the browser at once, over HTTP on 127.0.0.1 (0: skip);
    # each answers ``statements`` statements, all in the same instant per round.
    browser_users: int = 300

    @property
    def run_ends(self) -> int:
        if self.finishers is not None:
            return self.finishers
        return self.users * self.statements // 100


@dataclass
class Timings:
    """Seconds from tap to reply in one phase, by how the reply looks.

    Most taps are answered by editing the tapped message in place (one round
    trip); the last statement of a field turns into the field's interim note
    and the next statement follows as a new message (two round trips in a row).
    """

    in_place: list[float] = field(default_factory=list)
    new_message: list[float] = field(default_factory=list)
    callback: list[float] = field(default_factory=list)  # until the tap's callback is answered

    @property
    def replies(self) -> list[float]:
        return self.in_place + self.new_message

    def add(self, tap: Tap) -> None:
        if tap.reply is not None:
            kind = self.in_place if tap.expects_new_message is False else self.new_message
            kind.append(tap.reply - tap.sent)
        if tap.spinner is not None:
            self.callback.append(tap.spinner - tap.sent)


@dataclass
class RunEnds:
    """Seconds from the last answer to what the person sees at a run's end."""

    note: list[float] = field(default_factory=list)  # the tapped statement becomes the closing note
    summary: list[float] = field(default_factory=list)  # the summary (chart, text) is complete

    def add(self, tap: Tap) -> None:
        if tap.reply is not None:
            self.note.append(tap.reply - tap.sent)
        if tap.summary is not None:
            self.summary.append(tap.summary - tap.sent)


@dataclass
class Report:
    config: BenchConfig
    questionnaire: str
    single: Timings = field(default_factory=Timings)
    burst: Timings = field(default_factory=Timings)
    run_ends: RunEnds = field(default_factory=RunEnds)
    burst_seconds: float = 0.0
    burst_cpu_seconds: float = 0.0
    driver_cpu_seconds: float = 0.0  # this process: fake Bot API and simulated people
    burst_calls: int = 0
    burst_calls_by_method: Counter[str] = field(default_factory=Counter)
    burst_peak_calls_per_second: int = 0
    lost_taps: int = 0
    answers_counted: int = 0
    answers_stored: int = 0
    answers_expected: int = 0
    webhook_failures: int | None = None  # deliveries the webhook refused (webhook transport)
    rss_start_mb: float = 0.0
    rss_sessions_mb: float | None = None
    peak_rss_mb: float = 0.0
    drawing_peak_rss_mb: float | None = None  # the chart process (bot.output.workers); no PDFs here
    sessions_active: int = 0
    commit_rate: float = 0.0
    load_average: float = 0.0
    floor_cpu_ms_per_tap: float | None = None
    floor_lost_taps: int = 0
    browser: BrowserFigures | None = None

    @property
    def burst_answers(self) -> int:
        return len(self.burst.replies) + len(self.run_ends.note)

    @property
    def answers_per_second(self) -> float:
        return self.burst_answers / self.burst_seconds if self.burst_seconds else 0.0

    @property
    def cpu_ms_per_answer(self) -> float:
        return 1000 * self.burst_cpu_seconds / self.burst_answers if self.burst_answers else 0.0

    @property
    def cpu_over_floor(self) -> float | None:
        if not self.floor_cpu_ms_per_tap:
            return None
        return self.cpu_ms_per_answer / self.floor_cpu_ms_per_tap

    @property
    def calls_per_second(self) -> float:
        return self.burst_calls / self.burst_seconds if self.burst_seconds else 0.0


# --- the questionnaire ---------------------------------------------------------

def write_synthetic_questionnaire(directory: Path, fields: int = 7, per_field: int = 15) -> Path:
    """A valid questionnaire with texts as long as real ones, so rendering costs the same."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "scale.toml").write_bytes((QUESTIONS_DIR / "scale.toml").read_bytes())
    filler = "Synthetic benchmark text of typical length for the statements in the questionnaire"
    for f in range(1, fields + 1):
        lines = [f'id = "field{f}"', f"number = {f}", f'title = "Benchmark field {f}"',
                 f'short_title = "Field {f}"', f'intro = "{filler}, field {f}."', "[assessments]"]
        lines += [f'{level} = "{filler}, assessment {level}."'
                  for level in ("established", "advanced", "developing", "starting",
                                "insufficient")]
        for s in range(1, per_field + 1):
            lines += ["[[statements]]", f'id = "f{f}-s{s:02d}"',
                      f'text = "{filler} and of what municipalities do, statement {f}.{s}."',
                      f'suggestion = "{filler} and of a concrete next step, suggestion {f}.{s}."']
            if s % 3 == 0:
                lines.append(f'info = "{filler}, explanation {f}.{s}."')
        (directory / f"{f:02d}_field{f}.toml").write_text("\n".join(lines) + "\n",
                                                          encoding="utf-8")
    return directory


# --- simulated people ----------------------------------------------------------

@dataclass
class Tap:
    """One tap in flight: when it was sent and when the person saw its effect."""

    sent: float
    message_id: int
    expects: str | None  # the statement shown next; None: the run ends with this tap
    expects_new_message: bool | None = None  # for answers: the next statement comes below
    spinner: float | None = None
    reply: float | None = None
    summary: float | None = None  # a run's end: when its summary has arrived in full
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Person:
    """Somebody in a private chat who taps as soon as the bot has replied."""

    def __init__(self, crowd: Crowd, user_id: int) -> None:
        self.crowd = crowd
        self.id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}",
                     "language_code": "de"}
        self.message: dict[str, Any] | None = None  # the newest bot message with buttons
        self.statement: str | None = None  # whose answer buttons that message shows
        self.pending: Tap | None = None
        self._taps = itertools.count(1)

    def command_update(self, text: str) -> dict[str, Any]:
        """The update Telegram delivers when this person sends the command ``text``."""
        message = {"message_id": next(self.crowd.ids), "date": int(time.time()),
                   "chat": {"id": self.id, "type": "private"}, "from": self.user, "text": text,
                   "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
        return {"update_id": next(self.crowd.ids), "message": message}

    async def command(self, text: str) -> Tap:
        """Send a command; done once the bot has sent a message with buttons."""
        return await self._send(self.command_update(text), message_id=0, expects=None)

    async def tap(self, data: str, expects: str | None,
                  expects_new_message: bool | None = None) -> Tap:
        """Tap a button of the newest message and wait until the reply is seen."""
        assert self.message is not None, "no message with buttons to tap"
        query = {"id": f"{self.id}-{next(self._taps)}", "from": self.user,
                 "chat_instance": str(self.id), "data": data, "message": self.message}
        return await self._send({"update_id": next(self.crowd.ids), "callback_query": query},
                                message_id=self.message["message_id"], expects=expects,
                                expects_new_message=expects_new_message)

    async def begin(self) -> None:
        await self.command("/start")
        await self.tap(encode(Begin()), expects=self.crowd.order[0])

    async def answer_next(self) -> Tap:
        """Answer the statement on screen with a choice that varies from person to person."""
        assert self.statement is not None, "no statement on screen"
        run_id = self.crowd.run_of(self.message)
        index = self.crowd.position[self.statement]
        following = self.crowd.order[index + 1] if index + 1 < len(self.crowd.order) else None
        choice = CHOICES[(self.id + index) % len(CHOICES)]
        new_message = following is not None and \
            self.crowd.field_of[following] != self.crowd.field_of[self.statement]
        tap = await self.tap(encode(Answer(run_id, self.statement, choice)), expects=following,
                             expects_new_message=new_message)
        self.crowd.answers_counted += tap.reply is not None
        return tap

    async def _send(self, data: dict[str, Any], message_id: int, expects: str | None,
                    expects_new_message: bool | None = None) -> Tap:
        tap = Tap(sent=time.perf_counter(), message_id=message_id, expects=expects,
                  expects_new_message=expects_new_message)
        self.pending = tap
        self.crowd.target.deliver(data)
        try:
            async with asyncio.timeout(self.crowd.tap_timeout):
                await tap.done.wait()
        except TimeoutError:
            self.crowd.lost_taps += 1
        self.pending = None
        return tap

    def saw(self, call: Call, now: float) -> None:
        """What the fake Bot API has just answered for this person."""
        result = call.result if isinstance(call.result, dict) else None
        if result is not None and result.get("reply_markup"):
            self.message = result
            self.statement = self.crowd.statement_of(result)
        tap = self.pending
        if tap is None:
            return
        if call.method == "answerCallbackQuery":
            tap.spinner = now
        elif tap.message_id == 0:  # a command: done with the first message that has buttons
            if result is not None and result.get("reply_markup"):
                tap.reply = now
        elif tap.expects is None:
            if call.method == "editMessageText" and result is not None \
                    and result["message_id"] == tap.message_id:
                tap.reply = now
            elif result is not None and result.get("reply_markup") and _ends_summary(result):
                tap.summary = now
        elif self.statement == tap.expects and result is not None and result.get("reply_markup"):
            tap.reply = now
        if tap.message_id == 0:
            done = tap.reply is not None
        else:
            done = tap.reply is not None and tap.spinner is not None and (
                tap.expects is not None or tap.summary is not None)
        if done:
            tap.done.set()


class Crowd:
    """The simulated people and the fake Bot API's view of them."""

    def __init__(self, target: InProcessBot | BotProcess, questionnaire: Questionnaire,
                 tap_timeout: float) -> None:
        self.target = target
        self.sample_edit: dict[str, Any] | None = None  # an edit of the bot's, for the floor
        self.tap_timeout = tap_timeout
        self.order = tuple(s.id for s in questionnaire.statements)
        self.position = {sid: i for i, sid in enumerate(self.order)}
        self.field_of = {s.id: s.field_id for s in questionnaire.statements}
        self.people: dict[int, Person] = {}
        self.ids = itertools.count(1)
        self.calls = 0
        self.calls_by_method: Counter[str] = Counter()
        self.calls_by_second: Counter[int] = Counter()
        self.lost_taps = 0
        self.answers_counted = 0

    def person(self, user_id: int) -> Person:
        self.people[user_id] = Person(self, user_id)
        return self.people[user_id]

    def on_answer(self, call: Call) -> None:
        now = time.perf_counter()
        self.calls += 1
        self.calls_by_method[call.method] += 1
        self.calls_by_second[int(now)] += 1
        if call.method == "editMessageText" and isinstance(call.result, dict) \
                and call.result.get("reply_markup"):
            self.sample_edit = {"text": call.params["text"],
                                "reply_markup": call.params["reply_markup"]}
        person_id = _person_id(call)
        person = self.people.get(person_id) if person_id is not None else None
        if person is not None:
            person.saw(call, now)

    @staticmethod
    def statement_of(message: dict[str, Any]) -> str | None:
        for row in message["reply_markup"]["inline_keyboard"]:
            decoded = decode(row[0].get("callback_data"))
            if isinstance(decoded, Answer):
                return decoded.statement_id
        return None

    @staticmethod
    def run_of(message: dict[str, Any] | None) -> int:
        assert message is not None
        decoded = decode(message["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        assert isinstance(decoded, Answer)
        return decoded.run_id


def _ends_summary(message: dict[str, Any]) -> bool:
    """The results summary's last message: the one with the button for the PDF report."""
    return any(isinstance(decode(button.get("callback_data")), actions.Report)
               for row in message["reply_markup"]["inline_keyboard"] for button in row)


def _person_id(call: Call) -> int | None:
    if "chat_id" in call.params:
        return int(call.params["chat_id"])
    if "callback_query_id" in call.params:
        return int(str(call.params["callback_query_id"]).split("-", 1)[0])
    return None


async def _everyone(people: Iterable[Person], action: str) -> list[Any]:
    return await asyncio.gather(*(getattr(p, action)() for p in people))


# --- the phases ----------------------------------------------------------------

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
    await _everyone(people + finishers, "begin")
    for _ in range(len(crowd.order) - 1):  # up to their last statement, before the clock runs
        await _everyone(finishers, "answer_next")
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
    await _everyone(people, "begin")
    for _ in range(config.session_answers):
        await _everyone(people, "answer_next")
    await crowd.target.settled()
    report.rss_sessions_mb = crowd.target.rss_mb()
    report.sessions_active = len(people)


async def _stored_answers(database: Path, people: Iterable[Person]) -> int:
    """Answers in the database after the bot has stopped: what survived the burst."""
    storage = await Storage.open(str(database))
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
            report.browser = await _browser_run(config, questionnaire, base / "browser.db")
        report.commit_rate = await measure_commit_rate(base / "commit-probe.db",
                                                       config.commit_seconds)
    return report


async def _browser_run(config: BenchConfig, questionnaire: Questionnaire,
                       database: Path) -> BrowserFigures:
    """The browser channel in this process on a database of its own, after the Telegram run."""
    settings = Settings(token=None, database=str(database))
    services = await open_services(settings, questionnaire, Renderer())
    try:
        return await browser_burst(services, config.browser_users, config.statements)
    finally:
        await services.storage.close()


async def _phases(crowd: Crowd, api: FakeBotAPI | HttpBotAPI, config: BenchConfig,
                  report: Report) -> None:
    await _single_person(crowd, api, config, report)
    await _burst(crowd, api, config, report)
    if config.sessions:
        await _sessions(crowd, api, config, report)


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
            await _phases(crowd, api, config, report)
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
        await _phases(crowd, server, config, report)
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


# --- one person flooding the bot -----------------------------------------------

@dataclass
class FloodReport:
    """Others' reply times without and during one person's flood of /bericht."""

    flood: int
    others: int
    calm: Timings = field(default_factory=Timings)
    flooded: Timings = field(default_factory=Timings)
    flooder_calls: Counter[str] = field(default_factory=Counter)
    flood_seconds: float = 0.0
    lost_taps: int = 0


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
            if _person_id(call) == flooder.id:
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
            await _everyone(people, "begin")
            api.latency = config.latency
            half = config.statements // 2
            for _ in range(half):
                for tap in await _everyone(people, "answer_next"):
                    report.calm.add(tap)
            started = time.perf_counter()
            for _ in range(flood):
                crowd.target.deliver(flooder.command_update("/bericht"))
            for _ in range(config.statements - half):
                for tap in await _everyone(people, "answer_next"):
                    report.flooded.add(tap)
            await bot.settled()
            report.flood_seconds = time.perf_counter() - started
        report.lost_taps = crowd.lost_taps
    return report


def format_flood_report(report: FloodReport) -> str:
    calm, flooded = report.calm.replies, report.flooded.replies
    documents = report.flooder_calls["sendDocument"]
    return "\n".join([
        f"Flood: one person sends {report.flood} /bericht at once while {report.others} others "
        "answer statements",
        f"  others' reply, calm:         p50 {_ms(percentile(calm, 50))}, "
        f"p99 {_ms(percentile(calm, 99))} ({len(calm)} taps)",
        f"  others' reply, during flood: p50 {_ms(percentile(flooded, 50))}, "
        f"p99 {_ms(percentile(flooded, 99))} ({len(flooded)} taps)",
        f"  the flooder got {documents} PDF(s) and "
        f"{report.flooder_calls['sendMessage']} notice(s); the rest of the flood was dropped; "
        f"all of it was through after {report.flood_seconds:.1f} s",
        f"  taps lost {report.lost_taps}",
    ])


# --- measuring and printing ----------------------------------------------------

def _children_peak_rss_mb() -> float | None:
    """The largest peak RSS of the child processes that have ended: the drawing process."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if not peak:
        return None
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms" if seconds >= 0.01 else f"{1000 * seconds:.1f} ms"


def _goal(met: bool) -> str:
    return "met" if met else "NOT met"


def format_report(report: Report) -> str:
    c = report.config
    single, burst = report.single, report.burst
    lines = [
        f"Selbstcheck benchmark: {HOW[c.transport]}, fake Bot API "
        f"with {_ms(c.latency) if c.latency else 'no'} latency per call",
        f"  {os.cpu_count()} CPUs, Python {platform.python_version()}, python-telegram-bot "
        f"{version('python-telegram-bot')}, aiosqlite {version('aiosqlite')}, "
        f"SQLite {sqlite3.sqlite_version}; load average at start {report.load_average:.2f}",
        f"  questionnaire: {report.questionnaire}",
        "",
        f"single person, {c.statements} taps in a row:",
        f"  tap-to-reply p50 {_ms(percentile(single.in_place, 50))} (statement edited in place)"
        + (f", {_ms(percentile(single.new_message, 50))} at a field's end (interim note, then "
           "the next statement as a new message)" if single.new_message else ""),
        f"burst: {c.users} people tap " + (f"within {c.spread:g} s of each other (at random)"
                                            if c.spread else "at the same moment")
        + f", {c.statements} times:",
        f"  {report.burst_answers} answers in {report.burst_seconds:.2f} s = "
        f"{report.answers_per_second:.0f} answers/s"
        + (" (the rate they arrive at, not a ceiling)" if c.spread else ""),
        f"  tap-to-reply, all taps: {_spread(burst.replies)}",
        f"    edited in place ({len(burst.in_place)}): {_spread(burst.in_place)}",
    ]
    if burst.new_message:
        lines.append(f"    at a field's end ({len(burst.new_message)}): "
                     f"{_spread(burst.new_message)}")
    ends = report.run_ends
    if ends.note:
        lines += [f"  run's end ({len(ends.note)} people, last answer in the middle of a round):",
                  f"    closing note: {_spread(ends.note)}",
                  f"    summary with chart complete: {_spread(ends.summary)}"]
    lines += [
        f"  callback answered: {_spread(burst.callback)}",
        f"  CPU {report.cpu_ms_per_answer:.2f} ms per answer ("
        + ("whole process: bot, fake Bot API and simulated people)" if c.transport == "memory"
           else "the bot's process alone; the benchmark's own process, the fake Bot API and "
                f"the simulated people, {_per_answer(report.driver_cpu_seconds, report):.2f} ms)"),
        f"  outgoing Bot API calls: {report.burst_calls} = {report.calls_per_second:.0f}/s on "
        f"average, at most {report.burst_peak_calls_per_second} in one clock second",
        "    " + ", ".join(f"{method} {count}"
                           for method, count in sorted(report.burst_calls_by_method.items())),
    ]
    if report.webhook_failures is not None:
        lines.append(f"  webhook deliveries refused or failed (each retried): "
                     f"{report.webhook_failures}")
    if report.rss_sessions_mb is not None:
        lines.append(f"memory: {_fmt_mb(report.rss_sessions_mb)} RSS with "
                     f"{report.sessions_active} active sessions ({c.session_answers} answers "
                     f"each), {_fmt_mb(report.rss_start_mb)} at start, peak "
                     f"{_fmt_mb(report.peak_rss_mb)}")
    else:
        lines.append(f"memory: peak {_fmt_mb(report.peak_rss_mb)} RSS "
                     f"({_fmt_mb(report.rss_start_mb)} at start)")
    if report.drawing_peak_rss_mb is not None:
        lines.append(f"  and the process that draws the charts: peak "
                     f"{_fmt_mb(report.drawing_peak_rss_mb)} RSS")
    if report.floor_cpu_ms_per_tap is not None:
        lines.append(f"floor: {report.floor_cpu_ms_per_tap:.2f} ms CPU per tap for the same "
                     "calls with the same HTTP client and one aiosqlite commit, from raw JSON "
                     "without a framework, same burst"
                     + (f"; the bot needs {report.cpu_over_floor:.1f}x"
                        if report.cpu_over_floor is not None else "")
                     + (f" ({report.floor_lost_taps} floor taps lost)"
                        if report.floor_lost_taps else ""))
    browser = report.browser
    if browser is not None:
        lines += [
            f"browser: {browser.people} people answer over HTTP on 127.0.0.1 at the same moment, "
            f"{browser.statements} times (in the benchmark's process, a database of its own):",
            f"  {browser.answers} answers in {browser.seconds:.2f} s = "
            f"{browser.answers_per_second:.0f} answers/s",
            f"  request to response (answer stored, 303): {_spread(browser.response)}",
            f"  to the next statement's page: {_spread(browser.next_page)}",
            f"  answers stored {browser.stored} (expected {browser.people * browser.statements}), "
            f"failed requests {browser.failures}",
        ]
    lines += [
        "ceilings:",
        f"  raw aiosqlite single-row commits, WAL, synchronous=NORMAL, same directory: "
        f"{report.commit_rate:.0f}/s",
        f"  Telegram: about {TELEGRAM_BULK_RATE} messages/s to many chats (bulk) and "
        f"{TELEGRAM_CHAT_RATE}/s into one chat; replies to a person's own taps are not capped "
        "at the bulk rate",
        f"answers counted {report.answers_counted}, stored {report.answers_stored} (expected "
        f"{report.answers_expected}), taps lost "
        f"{report.lost_taps}",
        "goals:",
    ]
    if report.cpu_over_floor is not None:
        lines.append(f"  CPU per tap at most 2x the floor's: {report.cpu_over_floor:.1f}x, "
                     f"{_goal(report.cpu_over_floor <= 2)}")
    if c.latency:
        allowed = 1.5 if c.users <= 100 else 2
        for name, alone, crowded in (("edited in place", single.in_place, burst.in_place),
                                     ("at a field's end", single.new_message,
                                      burst.new_message)):
            if alone and crowded:
                ratio = percentile(crowded, 99) / percentile(alone, 50)
                lines.append(f"  p99 within {allowed:g}x a single person's reply, {name}: "
                             f"{ratio:.2f}x, {_goal(ratio <= allowed)}")
    elif not c.spread:
        lines.append(f"  at least 1000 answers/s: {_goal(report.answers_per_second >= 1000)}")
    if report.rss_sessions_mb is not None and c.sessions >= 1000:
        drawing = report.drawing_peak_rss_mb or 0.0
        together = round(report.peak_rss_mb + drawing)
        lines.append(f"  under 200 MB with {c.sessions} active sessions: {together} MB, "
                     f"{_goal(together < 200)} (peak RSS: the bot's process "
                     f"{_fmt_mb(report.peak_rss_mb)} + the drawing process {_fmt_mb(drawing)})")
    return "\n".join(lines)


HOW = {
    "polling": "the bot as its own process (python -m bot), getUpdates over HTTP on 127.0.0.1",
    "webhook": "the bot as its own process (python -m bot), updates posted to its webhook "
               "over HTTP on 127.0.0.1",
    "memory": "the Application in this process, updates put into its queue, no HTTP",
}


def _per_answer(seconds: float, report: Report) -> float:
    return 1000 * seconds / report.burst_answers if report.burst_answers else 0.0


def _spread(values: Sequence[float]) -> str:
    return ", ".join(f"{name} {_ms(percentile(values, p))}"
                     for name, p in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100)))


def _fmt_mb(value: float) -> str:
    return f"{value:.0f} MB"


def main(argv: list[str] | None = None) -> None:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(
        prog="python -m bot.bench",
        description=textwrap.dedent(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--users", type=int, default=defaults.users,
                        help="people tapping at the same moment (default %(default)s)")
    parser.add_argument("--statements", type=int, default=defaults.statements,
                        help="statements each of them answers (default %(default)s)")
    parser.add_argument("--latency", type=float, default=defaults.latency,
                        help="seconds the fake Bot API takes per call (default %(default)s)")
    parser.add_argument("--spread", type=float, default=defaults.spread,
                        help="seconds over which each round's taps arrive at random moments; "
                             "0: all in the same instant (default %(default)s)")
    parser.add_argument("--sessions", type=int, default=defaults.sessions,
                        help="active sessions for the memory figure, 0 to skip "
                             "(default %(default)s)")
    parser.add_argument("--session-answers", type=int, default=defaults.session_answers,
                        help="answers in each of those sessions (default %(default)s)")
    parser.add_argument("--finishers", type=int, default=defaults.finishers,
                        help="people who end their run during the burst, their summary with "
                             "its chart drawn while the others tap (default: one per 100 "
                             "answers of the burst)")
    parser.add_argument("--browser-users", type=int, default=defaults.browser_users,
                        help="people answering in the browser at once over HTTP, 0 to skip "
                             "(default %(default)s)")
    parser.add_argument("--shipped-questionnaire", action="store_true",
                        help="use questions/ instead of a synthetic 7 x 15 questionnaire")
    parser.add_argument("--dir", type=Path, default=defaults.directory,
                        help="where to put the temporary databases, ideally the file system "
                             "of the real database (default: the working directory)")
    parser.add_argument("--commit-seconds", type=float, default=defaults.commit_seconds,
                        help="how long to measure the raw commit rate (default %(default)s)")
    parser.add_argument("--transport", choices=TRANSPORTS, default=defaults.transport,
                        help="polling: the bot as its own process fetching updates with "
                             "getUpdates over HTTP; webhook: Updates posted to its webhook; "
                             "memory: the Application in this process with the in-memory fake "
                             "Bot API, no HTTP (default %(default)s)")
    parser.add_argument("--bot-python", default=defaults.bot_python,
                        help="the Python of the installation whose bot runs as a process, to "
                             "compare two versions in one sitting (default: this one)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor (a minimal bot without a framework)")
    parser.add_argument("--flood", type=int, default=0, metavar="N",
                        help="instead: one person sends N /bericht at once while 20 others "
                             "answer --statements statements; prints the others' reply times "
                             "without and during the flood")
    args = parser.parse_args(argv)
    config = BenchConfig(users=args.users, statements=args.statements, latency=args.latency,
                         spread=args.spread,
                         sessions=args.sessions, session_answers=args.session_answers,
                         finishers=args.finishers, browser_users=args.browser_users,
                         shipped_questionnaire=args.shipped_questionnaire, directory=args.dir,
                         commit_seconds=args.commit_seconds, transport=args.transport,
                         floor=not args.no_floor, bot_python=args.bot_python)
    if args.flood:
        flood = asyncio.run(run_flood_benchmark(config, args.flood))
        print(format_flood_report(flood))
        raise SystemExit(1 if flood.lost_taps else 0)
    try:
        report = asyncio.run(run_benchmark(config))
    except QuestionnaireError as error:
        raise SystemExit(f"bench: {error}") from None
    print(format_report(report))
    if report.lost_taps or report.answers_stored != report.answers_expected:
        raise SystemExit(1)
    browser = report.browser
    if browser is not None and (browser.failures
                                or browser.stored != browser.people * browser.statements):
        raise SystemExit(1)
