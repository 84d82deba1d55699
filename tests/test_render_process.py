"""Charts and PDFs are drawn in a process of their own, at a lower priority than the taps."""

from __future__ import annotations

import os
import pickle
import signal

from bot.render import Renderer
from bot.render_process import NICENESS, RenderProcess


async def test_drawing_runs_in_another_process_that_yields_the_cpu_to_the_bot() -> None:
    drawing = RenderProcess()
    try:
        assert await drawing.run(os.getpid) != os.getpid()
        assert await drawing.run(os.nice, 0) == min(19, os.nice(0) + NICENESS)
        # Ctrl-C in a terminal reaches the whole process group: the bot handles it
        assert await drawing.run(signal.getsignal, signal.SIGINT) == signal.SIG_IGN
    finally:
        drawing.shut_down()


def test_warming_up_loads_the_chart_library_there() -> None:
    drawing = RenderProcess()
    try:
        assert drawing.warm_up().result(timeout=60) is None
    finally:
        drawing.shut_down()


async def test_a_drawing_process_that_died_is_replaced() -> None:
    # Killed for its memory or crashed in a C library: the next chart still comes.
    drawing = RenderProcess()
    try:
        first = await drawing.run(os.getpid)
        os.kill(first, signal.SIGKILL)
        second = await drawing.run(os.getpid)
        assert second != first and await drawing.run(os.getpid) == second
    finally:
        drawing.shut_down()


def test_a_renderer_travels_as_its_directory_and_is_built_once_there(renderer: Renderer) -> None:
    arrived = pickle.loads(pickle.dumps(renderer))
    assert arrived is not renderer
    assert pickle.loads(pickle.dumps(renderer)) is arrived
    assert arrived.text("button.begin") == renderer.text("button.begin")
