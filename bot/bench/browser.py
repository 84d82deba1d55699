"""The browser channel under load, against a bare web app on the same uvicorn: the floor.

Three processes beside the benchmark's own: the browser channel as deployed
(``python -m bot`` without a bot token, on a database of its own), the floor
(:mod:`bot.bench.browser_floor`: Starlette, aiosqlite and Jinja2, one commit
per answer) and the simulated people (:mod:`bot.bench.browser_people`), so
the people's HTTP clients cost the servers nothing but the cores they share.
Round by round all people answer at once on one server, then on the other;
CPU per answer and the answer's time (POST → 303 → GET) are compared as
ratios, which the machine's load changes far less than milliseconds.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.bench.browser_people import TargetFigures
from bot.bench.targets import clean_environment, free_port

_PREPARING = 'class="message preparing"'  # a page whose action is still being carried out
ADDRESSES = 100  # the people come from 127.0.0.2 … 127.0.0.101, a few each


async def settled_page(client: httpx.AsyncClient, location: str) -> str:
    """The page at ``location`` once nothing is being prepared for it any more.

    An action that outlasts the server's patience (a report, or any action in a
    burst) first shows that it is being carried out; a browser reloads until it is done,
    and follows on to the address of what was made, as a browser does.
    """
    page = (await client.get(location, follow_redirects=True)).text
    while _PREPARING in page:
        await asyncio.sleep(0.05)
        page = (await client.get(location, follow_redirects=True)).text
    return page


@dataclass
class BrowserFigures:
    people: int
    statements: int
    app: TargetFigures
    floor: TargetFigures
    stored: int = 0  # answers of browser persons in the app's database afterwards
    floor_stored: int = 0

    @property
    def failures(self) -> int:
        return self.app.failures + self.floor.failures

    @property
    def cpu_over_floor(self) -> float | None:
        """The browser channel's CPU per answer divided by the floor's."""
        app, floor = self.app.cpu_ms_per_answer, self.floor.cpu_ms_per_answer
        return app / floor if app is not None and floor else None


class _Server:
    """A server process on 127.0.0.1, its output in a log file."""

    def __init__(self, command: list[str], port: int, log: Path,
                 env: dict[str, str] | None = None) -> None:
        self.port, self.log = port, log
        with log.open("ab") as sink:
            self.process = subprocess.Popen(command, env=env, cwd=log.parent, stdout=sink,
                                            stderr=subprocess.STDOUT)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: a server did not come up:\n"
                                 f"{self.log.read_text(errors='replace')[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.process.wait, 30)
            except subprocess.TimeoutExpired:
                self.process.kill()


async def browser_benchmark(people: int, statements: int, questions: Path, directory: Path,
                            python: str = sys.executable) -> BrowserFigures:
    """``people`` answer ``statements`` statements each on the browser channel and the floor."""
    database = directory / "browser.db"
    app_port, floor_port = free_port(), free_port()
    app = _Server([python, "-m", "bot"], app_port, directory / "browser.log", clean_environment(
        SELBSTCHECK_DB=str(database.resolve()), SELBSTCHECK_QUESTIONS_DIR=str(questions.resolve()),
        SELBSTCHECK_LISTEN="127.0.0.1", SELBSTCHECK_PORT=str(app_port)))
    floor = _Server([sys.executable, "-m", "bot.bench.browser_floor",
                     str((directory / "browser-floor.db").resolve()), str(floor_port),
                     str(statements)], floor_port, directory / "browser-floor.log")
    try:
        await app.ready()
        await floor.ready()
        spec = directory / "browser-people.json"
        spec.write_text(json.dumps({
            "people": people, "statements": statements, "addresses": ADDRESSES,
            "targets": {"floor": {"url": floor.url, "pid": floor.process.pid, "begin": False},
                        "app": {"url": app.url, "pid": app.process.pid, "begin": True}}}))
        clients = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.bench.browser_people", str(spec.resolve()),
            stdout=asyncio.subprocess.PIPE, cwd=directory)
        output, _ = await clients.communicate()
        if clients.returncode != 0:
            raise SystemExit("bench: the simulated browser people failed")
        measured = {name: TargetFigures(**values) for name, values in json.loads(output).items()}
    finally:
        await app.stop()
        await floor.stop()
    figures = BrowserFigures(people, statements, measured["app"], measured["floor"])
    figures.stored = _count(database, "SELECT COUNT(*) FROM answers a JOIN runs r ON r.id = a.run_id"
                                      " JOIN users u ON u.user_id = r.user_id"
                                      " WHERE u.channel = 'browser'")
    figures.floor_stored = _count(directory / "browser-floor.db", "SELECT COUNT(*) FROM answers")
    return figures


def _count(database: Path, sql: str) -> int:
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()
