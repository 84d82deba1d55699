"""The installed console script: clear one-line errors, data files shipped with the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.bench.targets import clean_environment, free_port

SCRIPT = shutil.which("selbstcheck-bot", path=str(Path(sys.executable).parent))


def run_script(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the console script selbstcheck-bot is not installed beside this Python"
    return subprocess.run([SCRIPT], cwd=tmp_path, env=clean_environment(**env), capture_output=True,
                          text=True, timeout=60)


def _serves_the_browser_version(command: list[str], tmp_path: Path) -> None:
    """Started without a token from an unrelated directory: the self-check in the browser."""
    port = free_port()
    process = subprocess.Popen(command, cwd=tmp_path, env=clean_environment(SELBSTCHECK_PORT=str(port)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        assert address == f"Selbstcheck im Browser: http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
                    html = page.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
        assert "Willkommen zum Selbstcheck" in html and 'lang="de"' in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/site.css", timeout=10) as css:
            assert css.status == 200 and b"font-family" in css.read()
    finally:
        process.terminate()
        code = process.wait(timeout=30)
    assert code == 0, process.stderr.read() if process.stderr else ""
    assert (tmp_path / "selbstcheck.db").exists()


def test_without_a_token_the_script_serves_the_browser_version(tmp_path: Path) -> None:
    assert SCRIPT, "the console script selbstcheck-bot is not installed beside this Python"
    _serves_the_browser_version([SCRIPT], tmp_path)


def test_unusable_database_path_is_one_clear_line_after_loading_the_shipped_data(
        tmp_path: Path) -> None:
    # run from an unrelated directory: the questionnaire and templates must come from the install
    result = run_script(tmp_path, TELEGRAM_BOT_TOKEN="123:abc",
                        SELBSTCHECK_DB=str(tmp_path / "missing" / "dir" / "x.db"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Datenbank" in lines[0] and "missing" in lines[0]
    assert "Traceback" not in result.stderr
    assert "123:abc" not in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="module run checked on Linux CI")
def test_python_dash_m_bot_runs_the_same_entry_point(tmp_path: Path) -> None:
    _serves_the_browser_version([sys.executable, "-m", "bot"], tmp_path)
