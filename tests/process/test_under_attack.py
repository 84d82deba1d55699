"""The browser-only server as a real process, under what an attacker or a bad moment does to it.

Each test starts ``python -m bot`` without a token on 127.0.0.1 and talks to
it over HTTP like a browser. Every wait is bounded in time, every loop in
rounds.
"""

from __future__ import annotations

import os
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.bench.targets import clean_environment, free_port
from tests.conftest import write_questionnaire

REPO = Path(__file__).resolve().parent.parent.parent
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
_ANSWER_A = re.compile(r'name="action" value="(a:[0-9]+:[a-z0-9_-]+:A)"')


class BrowserServer:
    """``python -m bot`` with the browser channel alone; ``log`` collects its output."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.database = tmp_path / "web.db"
        self.log = tmp_path / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = clean_environment(SELBSTCHECK_DB=str(self.database),
                                     SELBSTCHECK_QUESTIONS_DIR=str(
                                         write_questionnaire(tmp_path / "questions")),
                                     SELBSTCHECK_PORT=str(self.port), **env)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, file_limit: int | None = None) -> BrowserServer:
        """``file_limit``: the process's soft and hard limit on open files, as on many hosts."""
        def limited() -> None:
            if file_limit is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=REPO, env=self.env,
                                            stdout=sink, stderr=subprocess.STDOUT,
                                            preexec_fn=limited)
        deadline = time.monotonic() + 30
        # The address is announced just before uvicorn binds it: wait until it takes a
        # connection, or a busy machine's first connection is refused.
        while "Selbstcheck im Browser" not in self.output() or not _listening(self.port):
            assert self.process.poll() is None, f"the server exited early:\n{self.output()}"
            assert time.monotonic() < deadline, f"the server did not start:\n{self.output()}"
            time.sleep(0.05)
        return self

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop_if_running(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def open_files(self) -> int:
        assert self.process is not None
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))


class Visitor:
    """One browser: a cookie jar, the page it sees, a form it sends."""

    def __init__(self, url: str, **transport: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10,
                                 transport=httpx.HTTPTransport(**transport))  # type: ignore[arg-type]
        self.page = ""

    def begin(self) -> None:
        self.page = self.http.get("/").text
        assert self.post("begin") == 303

    def answer(self) -> int:
        """Answer the statement on the page; the status of the POST (303: stored)."""
        answer = _ANSWER_A.search(self.page)
        assert answer, self.page
        return self.post(answer[1])

    def post(self, action: str) -> int:
        csrf = _CSRF.search(self.page)
        assert csrf, self.page
        response = self.http.post("/aktion", data={"csrf": csrf[1], "action": action})
        if response.status_code == 303:
            self.page = self.http.get(response.headers["location"]).text
        return response.status_code


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def server(tmp_path: Path) -> BrowserServer:
    return BrowserServer(tmp_path)


def test_an_answer_into_a_deleted_database_file_is_not_confirmed_and_the_server_stops(
        server: BrowserServer) -> None:
    # Before: the server went on confirming answers into the unlinked file for up to
    # a heartbeat's 30 s – 65 confirmed answers were gone at the stop.
    server.start()
    try:
        visitor = Visitor(server.url)
        visitor.begin()
        assert visitor.answer() == 303  # stored and confirmed
        for path in (server.database, Path(f"{server.database}-wal"),
                     Path(f"{server.database}-shm")):
            path.unlink(missing_ok=True)
        assert visitor.answer() == 503  # not confirmed: nobody could ever read it again
        assert server.wait(timeout=15) == 1
    finally:
        server.stop_if_running()
    told = [line for line in server.output().splitlines()
            if "Datenbank" in line or "Traceback" in line or "ERROR" in line]
    assert len(told) == 1, server.output()
    assert told[0].endswith(f"stopping: Datenbank {server.database} wurde gelöscht oder ersetzt")


HALF_OPEN = 1100


def half_open_requests(url: str, count: int, source: str) -> list[socket.socket]:
    """``count`` connections from ``source`` that send the start of a request, then nothing."""
    host, port = url.removeprefix("http://").split(":")
    hanging = []
    for _ in range(count):
        connection = socket.create_connection((host, int(port)), timeout=10,
                                              source_address=(source, 0))
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
        hanging.append(connection)
    return hanging


def test_another_persons_answers_get_through_while_1100_half_open_requests_hang(
        server: BrowserServer) -> None:
    # Before: with 1,024 file handles the half-open requests took them all and every
    # other request failed for as long as they hung.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < HALF_OPEN + 200:
        pytest.skip(f"this test needs {HALF_OPEN + 200} open files, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, HALF_OPEN + 200), hard))
    server.start(file_limit=1024)
    hanging: list[socket.socket] = []
    try:
        # Another machine on the network (127.0.0.2), the person on this one.
        hanging = half_open_requests(server.url, HALF_OPEN, "127.0.0.2")
        deadline = time.monotonic() + 10
        while server.open_files() < 200 and time.monotonic() < deadline:
            time.sleep(0.05)  # the server has taken in a good part of them
        visitor = Visitor(server.url, local_address="127.0.0.1")
        visitor.begin()
        assert [visitor.answer() for _ in range(3)] == [303, 303, 303]
        assert server.process is not None and server.process.poll() is None
    finally:
        for connection in hanging:
            connection.close()
        server.stop_if_running()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
