"""What a benchmark run is set to: its settings, and the synthetic questionnaire it answers."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bot.resources import QUESTIONS_DIR

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
