"""Real browser stories: Chromium (Debian's package) drives the browser channel.

The bot runs as its installed console script without a token – the README's
first command – on a free port, with the small test questionnaire. Every
page a story visits is checked with axe-core.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bench.targets import clean_environment, free_port
from tests.conftest import write_questionnaire

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCRIPT = shutil.which("selbstcheck-bot", path=str(Path(sys.executable).parent))
PHONE = {"width": 390, "height": 844}
# The README's screenshots are remade with SELBSTCHECK_SCREENSHOTS=docs; otherwise they go
# to the temporary directory, so a test run leaves the checkout as it was.
SCREENSHOTS = Path(os.environ.get("SELBSTCHECK_SCREENSHOTS") or tempfile.gettempdir())

pytest.importorskip("playwright")
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):  # CI must run these stories, not skip them
        raise RuntimeError("Debian's chromium is missing: .ci/system-packages --tests installs it")
    pytest.skip("Debian's chromium is not installed (.ci/system-packages --tests installs it)",
                allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402

# A loaded machine (charts and PDFs are made in worker processes) may need more than 5 s.
expect.set_options(timeout=15_000)


def answer(page: Page, label: str, count: int) -> None:
    """Tap ``label`` ``count`` times, each time waiting for the next page."""
    for _ in range(count):
        before = page.locator("main").inner_text()
        page.get_by_role("button", name=label, exact=True).click()
        expect(page.locator("main")).not_to_have_text(before)


class Server:
    """The bot on a free port; with the small test questionnaire unless ``questions`` names one."""

    def __init__(self, tmp: Path, questions: Path | None = None,
                 reports: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = tmp / "browser.db"
        env = clean_environment(
            SELBSTCHECK_DB=str(self.database), SELBSTCHECK_PORT=str(self.port),
            SELBSTCHECK_QUESTIONS_DIR=str(questions or write_questionnaire(tmp / "questions")),
            SELBSTCHECK_OPERATOR_NAME="Stadt Musterstadt",
            SELBSTCHECK_OPERATOR_CONTACT="datenschutz@musterstadt.example",
            # k = 3, the lowest allowed: a workshop of six shows two perspectives
            SELBSTCHECK_MIN_GROUP="3", **({"SELBSTCHECK_REPORTS_DIR": str(reports)} if reports else {}))
        assert SCRIPT, "the console script selbstcheck-bot is not installed beside this Python"
        self.log = tmp / "server.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen([SCRIPT], cwd=tmp, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, text=True)

    def wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not listen: {self.output()}")

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def serving(running: Server) -> Iterator[Server]:
    """A module fixture's server from its start to its end; its log must show no traceback."""
    try:
        running.wait_until_listening()
        yield running
    finally:
        assert running.stop() == 0, running.output()
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving(Server(tmp_path_factory.mktemp("browser")))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's sync API runs an event loop of its own while it is open,
    # which must be gone before the asyncio tests of other modules run.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=PHONE, locale="de-DE")
    yield opened
    opened.close()


def from_menu(page: Page, label: str) -> None:
    """Open the header's menu and choose ``label`` in it, as a person on a phone does."""
    page.locator("header details.menu > summary").click()
    page.locator("header nav").get_by_role("button", name=label, exact=True).click()


def check_accessible(axe: Axe, page: Page) -> None:
    """axe-core finds no violation on the page as it is now."""
    results = axe.run(page)
    violations = results.response["violations"]
    assert not violations, (page.url, [(v["id"], [n["target"] for n in v["nodes"]])
                                       for v in violations])
