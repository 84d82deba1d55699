"""The installed console script: clear one-line errors, data files shipped with the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("selbstcheck-bot", path=str(Path(sys.executable).parent))


def run_script(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the console script selbstcheck-bot is not installed beside this Python"
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("TELEGRAM_", "SELBSTCHECK_"))}
    return subprocess.run([SCRIPT], cwd=tmp_path, env={**clean, **env}, capture_output=True,
                          text=True, timeout=60)


def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    result = run_script(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "selbstcheck-bot: TELEGRAM_BOT_TOKEN ist nicht gesetzt: bitte das Token von "
        "@BotFather als Umgebungsvariable angeben."]


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
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=clean,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr
