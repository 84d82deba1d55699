"""The bot as a real subprocess (``python -m bot``) talking to a FakeBotServer."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from bot.bench.targets import clean_environment, free_port
from tests.fake_bot_server import FakeBotServer

REPO = Path(__file__).resolve().parent.parent
TOKEN = "987654321:AAF-test_token_for_the_subprocess_only"


class BotProcess:
    """One run of the bot; ``log`` collects its stdout and stderr."""

    def __init__(self, server: FakeBotServer, database: Path, questions: Path, log: Path,
                 **env: str) -> None:
        self.server = server
        self.log = log
        self.env = clean_environment(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=server.base_url,
            TELEGRAM_BASE_FILE_URL=server.base_file_url, SELBSTCHECK_DB=str(database),
            SELBSTCHECK_QUESTIONS_DIR=str(questions), **env)
        if not {"SELBSTCHECK_PORT", "SELBSTCHECK_WEBHOOK_PORT"} & env.keys():
            # Its HTTP server (the browser channel) on a port of its own, never a shared default.
            self.env["SELBSTCHECK_PORT"] = str(free_port())
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *args: str) -> BotProcess:
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=REPO,
                                            env=self.env, stdout=sink, stderr=subprocess.STDOUT)
        return self

    def wait_until_polling(self, timeout: float = 30) -> None:
        before = self.server.get_updates_calls
        self.server.wait_for(lambda: self.server.get_updates_calls > before or self._exited(),
                             timeout, "the bot to poll for updates")
        assert not self._exited(), f"the bot exited early:\n{self.output()}"

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, as in a crash or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as ``docker stop`` sends it; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"no exit within {timeout} s of SIGTERM:\n{self.output()}") from None

    def stop_if_running(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def children(self) -> set[int]:
        """The bot's child processes (its drawing process among them), from /proc."""
        assert self.process is not None
        return {pid for pid, parent in _parents().items()
                if parent == self.process.pid and running(pid)}

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def _exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None


def _parents() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def running(pid: int) -> bool:
    """Alive, not merely a zombie nobody has reaped yet."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] not in ("Z", "X")


def run_cli(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` to completion, with only the given settings."""
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO,
                          env=clean_environment(**env), capture_output=True, text=True,
                          timeout=timeout)
