"""Charts and PDFs are drawn in a process of their own, at a lower priority than the taps."""

from __future__ import annotations

import asyncio
import logging
import operator
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.output.fair_queue import requested_by
from bot.output.render import Renderer
from bot.output.workers import NICENESS, WorkerProcess


async def test_drawing_runs_in_another_process_that_yields_the_cpu_to_the_bot() -> None:
    drawing = WorkerProcess()
    try:
        assert await drawing.run(os.getpid) != os.getpid()
        assert await drawing.run(os.nice, 0) == min(19, os.nice(0) + NICENESS)
        # Ctrl-C in a terminal reaches the whole process group: the bot handles it
        assert await drawing.run(signal.getsignal, signal.SIGINT) == signal.SIG_IGN
    finally:
        drawing.shut_down()


def test_warming_up_loads_the_chart_library_there() -> None:
    drawing = WorkerProcess()
    try:
        worker = drawing.call(os.getpid)
        assert not _loaded_matplotlib(worker)  # a worker starts lean
        drawing.warm_up().result(timeout=60)
        assert drawing.pid == worker and _loaded_matplotlib(worker)
    finally:
        drawing.shut_down()


def _loaded_matplotlib(pid: int) -> bool:
    """Whether the process has matplotlib's compiled parts mapped (Linux)."""
    return "/matplotlib/" in Path(f"/proc/{pid}/maps").read_text()


async def test_a_drawing_process_that_died_is_replaced() -> None:
    # Killed for its memory or crashed in a C library: the next chart still comes.
    drawing = WorkerProcess()
    try:
        first = await drawing.run(os.getpid)
        os.kill(first, signal.SIGKILL)
        second = await drawing.run(os.getpid)
        assert second != first and await drawing.run(os.getpid) == second
    finally:
        drawing.shut_down()


def test_an_error_in_the_drawing_process_arrives_as_itself_with_where_it_happened() -> None:
    drawing = WorkerProcess()
    try:
        with pytest.raises(ZeroDivisionError) as raised:
            drawing.call(operator.truediv, 1, 0)
        assert any("Traceback" in note for note in raised.value.__notes__)
        assert drawing.call(operator.truediv, 1, 2) == 0.5  # and the process goes on
    finally:
        drawing.shut_down()


def test_the_drawing_process_loads_neither_the_bot_nor_the_telegram_library() -> None:
    # It draws; what the bot's process has loaded would only cost memory there.
    drawing = WorkerProcess()
    try:
        loaded = drawing.call(eval, "sorted(__import__('sys').modules)")
        assert "telegram" not in loaded and "bot.telegram.application" not in loaded and "aiosqlite" not in loaded
    finally:
        drawing.shut_down()


def test_a_process_with_an_idle_time_ends_after_it_and_starts_again_for_the_next_job() -> None:
    printing = WorkerProcess(idle_seconds=0.2)
    try:
        first = printing.call(os.getpid)
        for _ in range(100):
            if printing.pid is None:
                break
            time.sleep(0.05)
        assert printing.pid is None
        assert printing.call(os.getpid) not in (first, None)
    finally:
        printing.shut_down()


def test_the_drawing_process_redacts_the_token_in_its_log_lines(
        capfd: pytest.CaptureFixture[str]) -> None:
    token = "123456789:AAF-token_seen_only_by_this_test"
    drawing = WorkerProcess()
    drawing.keep_out_of_logs((token,))
    try:
        drawing.call(logging.getLogger("bot.output.chart").warning, "request to /bot%s failed", token)
    finally:
        drawing.shut_down()
    logged = capfd.readouterr().err
    assert "request to /bot[geheim] failed" in logged
    assert token.split(":")[1] not in logged


def test_a_renderer_travels_as_its_directory_and_is_built_once_there(renderer: Renderer) -> None:
    arrived = pickle.loads(pickle.dumps(renderer))
    assert arrived is not renderer
    assert pickle.loads(pickle.dumps(renderer)) is arrived
    assert arrived.text("button.begin") == renderer.text("button.begin")


def test_the_drawing_process_ends_when_the_bot_is_killed(tmp_path: Path) -> None:
    # A bot killed with SIGKILL cannot shut its worker down; the worker notices.
    script = tmp_path / "killed_bot.py"
    script.write_text(textwrap.dedent("""
        import os, time
        from bot.output.workers import DRAWING
        if __name__ == "__main__":
            print(DRAWING.call(os.getpid), flush=True)
            time.sleep(60)
    """))
    source = str(Path(__file__).resolve().parents[2])
    bot = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONPATH": source})
    assert bot.stdout is not None
    worker = int(bot.stdout.readline())
    bot.kill()
    bot.wait()
    try:
        for _ in range(100):
            if not _alive(worker):
                break
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        if _alive(worker):  # do not leave it behind when the test fails
            os.kill(worker, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


FLOOD_ADDRESS = "198.51.100.7"


async def _served_in_order(victim: tuple[int, str]) -> list[object]:
    """Twelve throw-away sessions at one address queue three jobs each; then the victim one."""
    worker = WorkerProcess()
    order: list[object] = []

    async def job(person: int, address: str, tag: object) -> None:
        with requested_by(person=person, address=address):
            await worker.run(time.sleep, 0.01)
        order.append(tag)

    try:
        flood = [asyncio.create_task(job(session, FLOOD_ADDRESS, (session, round_)))
                 for round_ in range(3) for session in range(1, 13)]
        await asyncio.sleep(0)  # the flood's jobs are all waiting (the first in hand)
        await asyncio.gather(*flood, job(*victim, "victim"))
    finally:
        worker.shut_down()
    return order


async def test_another_address_is_served_right_after_the_job_in_hand_during_a_flood() -> None:
    # Before: first come, first served – the victim waited behind all 36 jobs of the flood.
    order = await _served_in_order((99, "192.0.2.1"))
    assert order.index("victim") <= 1


async def test_at_the_floods_address_another_person_is_served_within_the_first_round() -> None:
    order = await _served_in_order((99, FLOOD_ADDRESS))
    # one job of each of the 13 people first, the victim among them; the flood's later jobs after
    assert order.index("victim") <= 12
    assert all(tag[1] == 0 for tag in order[:order.index("victim")] if tag != "victim")
