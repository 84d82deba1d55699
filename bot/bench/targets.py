"""What the benchmark's simulated people tap on: the bot as a process, or in this one.

``BotProcess`` is the default: ``python -m bot`` as deployed, polling or with a
webhook, against :class:`bot.bench.http_bot_api.HttpBotAPI`; its CPU time and
memory are read from ``/proc``, so the figures are the bot's alone (Linux).
``InProcessBot`` drives the Application through its update queue against the
in-memory fake: no HTTP client, no JSON on the way in.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest

from bot.app import open_services
from bot.bench.http_bot_api import HttpBotAPI
from bot.config import Settings
from bot.domain.questionnaire import Questionnaire
from bot.flows.services import Services
from bot.output.render import Renderer
from bot.telegram.answer_taps import set_aside_update
from bot.telegram.channel import TelegramChannel

TOKEN = "123456:BENCH"
WEBHOOK_SECRET = "bench-secret"
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    """A port nobody listens on now, for a bot's HTTP server of its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without any bot settings, plus ``env``.

    A started bot must read only the settings its starter chose, never an operator's
    TELEGRAM_* or SELBSTCHECK_* variables that happen to be set in this shell.
    """
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SELBSTCHECK_"))}
    return {**kept, "PYTHONUNBUFFERED": "1", **env}


def current_rss_mb() -> float:
    """This process's resident memory now (on other systems than Linux: its peak)."""
    current = _statm_rss_mb()
    return current if current is not None else peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident memory."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs. KiB
    return max(peak_mb, _statm_rss_mb() or 0.0)


def _statm_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return None


class InProcessBot:
    """The Telegram channel in this process on the in-memory Bot API ``api``."""

    def __init__(self, settings: Settings, questionnaire: Questionnaire, api: BaseRequest) -> None:
        self._settings, self._questionnaire = settings, questionnaire
        self.channel = TelegramChannel(settings, request=api)
        self.app = self.channel.application

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Services]:
        """Open on its services and processing what :meth:`deliver` puts in its queue."""
        services = await open_services(self._settings, self._questionnaire, Renderer(),
                                       self.channel)
        try:
            try:
                await self.channel.open(services)
                await self.app.start()
                yield services
            finally:
                await self.channel.stop()
        finally:
            await services.storage.close()

    def deliver(self, update: dict[str, Any]) -> None:
        """As polling hands it over: answer taps set aside, everything else decoded."""
        self.app.update_queue.put_nowait(Update.de_json(set_aside_update(update), self.app.bot))

    def cpu_seconds(self) -> float:
        return time.process_time()

    async def settled(self) -> None:
        await self.app.update_queue.join()

    def rss_mb(self) -> float:
        """This process's memory now, after a collection: what the sessions keep alive."""
        gc.collect()
        return current_rss_mb()


class BotProcess:
    """The bot started with ``python -m bot`` and the environment an operator would set."""

    def __init__(self, server: HttpBotAPI, database: Path, questions: Path, log: Path, *,
                 port: int, webhook: bool = False, python: str = sys.executable) -> None:
        self.server = server
        self.log = log
        # The bot starts in the log's directory (see start): paths relative to ours
        # (the default --dir is ".") would point elsewhere there.
        self.env = clean_environment(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=server.base_url,
            TELEGRAM_BASE_FILE_URL=server.base_file_url, SELBSTCHECK_DB=str(database.resolve()),
            SELBSTCHECK_QUESTIONS_DIR=str(questions.resolve()), SELBSTCHECK_LISTEN="127.0.0.1",
            SELBSTCHECK_PORT=str(port))
        if webhook:
            self.env.update(SELBSTCHECK_WEBHOOK_URL=f"https://127.0.0.1:{port}/telegram",
                            SELBSTCHECK_WEBHOOK_SECRET=WEBHOOK_SECRET)
        self.webhook = webhook
        self.python = python
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as sink:
            # Started in the run's directory: the bot comes from the installation, never
            # from a source tree that happens to be the working directory.
            self.process = subprocess.Popen([self.python, "-m", "bot"], env=self.env,
                                            cwd=self.log.parent, stdout=sink,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: the bot did not come up:\n{self.output()}")
            await asyncio.sleep(0.05)

    def _ready(self) -> bool:
        if self.webhook:
            return self.server.methods["setWebhook"] > 0
        return self.server.get_updates_calls > 0

    async def stop(self, timeout: float = 60) -> None:
        """SIGTERM, as ``docker stop`` sends it: the bot finishes what it fetched."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self.process.wait, timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise SystemExit(f"bench: the bot did not stop:\n{self.output()}") from None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def deliver(self, update: dict[str, Any]) -> None:
        self.server.push(update)

    def cpu_seconds(self) -> float:
        assert self.process is not None
        return process_cpu_seconds(self.process.pid)

    async def settled(self) -> None:
        """Every tap has been answered once the people stop waiting; nothing to drain."""

    def rss_mb(self) -> float:
        assert self.process is not None
        return _status_mb(self.process.pid, "VmRSS")

    def peak_rss_mb(self) -> float:
        assert self.process is not None
        return _status_mb(self.process.pid, "VmHWM")

    def children_peak_rss_mb(self) -> float | None:
        """The drawing process (the bot's child) at its peak so far."""
        assert self.process is not None
        children: list[str] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                children += (task / "children").read_text().split()
            except OSError:
                continue
        peaks = [_status_mb(int(child), "VmHWM") for child in children]
        return max(peaks) if peaks else None


def process_cpu_seconds(pid: int) -> float:
    """CPU time of one process so far: its threads' time on a CPU in nanoseconds (their
    ``schedstat``), else user and system time in clock ticks (fields 14 and 15 of its stat).

    A tick is 10 ms: a round of a few answers (a small run, or the floor's in a test) fits
    into one and reads as no CPU at all. The threads are the event loop's and the database's,
    which live as long as the process.
    """
    try:
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as schedstat:
                total += int(schedstat.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):  # no schedstat here, or a thread just ended
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS


def _status_mb(pid: int, key: str) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
