"""Charts and PDFs are drawn in a process of their own, so drawing never stalls anybody's taps.

A results chart costs about 80 ms of CPU in matplotlib, a PDF report several
times that. In a thread of the bot's process a drawing holds the GIL for most
of that time, and everybody else's taps wait: in ``python -m bot.bench``, 45
people ending their run during a 300-person burst raised the others' p99
tap-to-reply from 280–345 ms to 420–950 ms that way. In a process of its own,
at a lower priority (when both cores are busy, taps go first and a summary
waits a little), it stayed at 280–420 ms.

One worker process serves the whole bot process (every application in it),
started on first use: drawings queue behind each other (each is short), so
WeasyPrint's Pango never runs twice at once, and matplotlib and WeasyPrint are
loaded there rather than in the bot (the process takes about 120 MB). It is
started with "spawn", because the bot's process has threads (SQLite, asyncio)
that "fork" would copy in an undefined state. Functions and their arguments
travel pickled.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from bot import logs
from bot.chart import load_matplotlib

_T = TypeVar("_T")
NICENESS = 10  # added to the worker's nice value: the scheduler prefers the bot's process


class RenderProcess:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._secrets: tuple[str, ...] = ()

    def keep_out_of_logs(self, secrets: tuple[str, ...]) -> None:
        """Redact ``secrets`` (the bot token) in the worker's log lines too; call before first use."""
        self._secrets = secrets

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_prepare_worker,
                                             initargs=(self._secrets,))
        return self._pool

    async def run(self, function: Callable[..., _T], *args: object) -> _T:
        """``function(*args)`` in the drawing process.

        A worker that died (killed for its memory, crashed in a C library) is
        replaced once, so one bad moment does not end every later chart.
        """
        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            return await loop.run_in_executor(pool, function, *args)
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False)
            return await loop.run_in_executor(self._executor(), function, *args)

    def warm_up(self) -> Future[None]:
        """Start the process and load the chart library now, not at the first run's end."""
        return self._executor().submit(_load_chart_library)

    def call(self, function: Callable[..., _T], *args: object) -> _T:
        """``function(*args)`` in the drawing process, waited for; before the event loop runs."""
        return self._executor().submit(function, *args).result()

    def shut_down(self) -> None:
        """Stop the process and wait for it; it starts again when next needed."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


def _prepare_worker(secrets: tuple[str, ...]) -> None:
    """Lower the worker's priority; leave Ctrl-C to the bot, whose exit ends the worker.

    Its log lines (a library's warning, a failed drawing) go to the bot's
    stderr through the same redacting formatter as the bot's own.
    """
    logs.configure_logging(logging.WARNING).add_secrets(secrets)
    os.nice(NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_the_bot, name="exit-with-the-bot", daemon=True).start()


def _exit_with_the_bot() -> None:
    """End the worker when the bot's process ends, however it ends.

    A bot that exits normally shuts the worker down; one that is killed
    cannot, and the worker, waiting for its next drawing on a queue whose
    both ends it holds itself, would wait forever.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(0)


def _load_chart_library() -> None:
    load_matplotlib()  # the module itself stays there: it cannot travel back


DRAWING = RenderProcess()


async def in_render_process(function: Callable[..., _T], *args: object) -> _T:
    """Draw a chart or a PDF off the bot's process: the bot's only way to render them."""
    return await DRAWING.run(function, *args)
