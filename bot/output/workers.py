"""Charts and PDFs are drawn in processes of their own, so drawing never stalls anybody's taps.

A chart or a PDF report takes matplotlib or WeasyPrint a long while of CPU.
In a thread of the bot's process a drawing holds the GIL for most of that
time, and everybody else's taps wait. In a process of its own, at a lower
priority (when both cores are busy, taps go first and a summary waits a
little), they do not; the README's performance section has the measurements.

Two workers serve the whole bot process (every application in it), each
started on first use and doing one job at a time, the waiting jobs taken in
turn by requester (:mod:`bot.output.fair_queue`), not by arrival:
``DRAWING`` draws the charts and stays, ``PRINTING`` makes the PDF reports
with WeasyPrint (a personal report with its chart, as one job) and ends
after a minute without work, because its memory is needed only while
somebody asks for a report. A worker is a plain ``python -m
bot.output.drawing_worker`` with pipes for stdin and stdout: it imports only what it
draws with (not the bot, not the Telegram library, as ``multiprocessing``'s
"spawn" would by importing the main module), and it ends by itself when the
bot's process ends, however it ends, because its stdin closes. Functions and
their arguments travel pickled, one length-prefixed frame each way.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot.domain.spoken import spoken, spoken_call
from bot.output.drawing_worker import load_chart_library, receive_frame, send_frame
from bot.output.fair_queue import FairQueue, current_requester

_T = TypeVar("_T")
NICENESS = 10  # added to a worker's nice value: the scheduler prefers the bot's process
PRINTING_IDLE_SECONDS = 60.0
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)  # where this ``bot`` is imported from


@dataclass(frozen=True)
class _Job(Generic[_T]):
    function: Callable[..., _T]
    args: tuple[object, ...]
    result: Future[_T]


class WorkerDied(RuntimeError):
    """The worker ended before it answered: killed for its memory, crashed in a C library."""


class WorkerProcess:
    """One worker process, started on first use; ``idle_seconds``: it ends after so long without work."""

    def __init__(self, idle_seconds: float | None = None) -> None:
        self._idle_seconds = idle_seconds
        self._secrets: tuple[str, ...] = ()
        self._worker: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one job at a time, whichever thread asks
        # Jobs from the event loop wait in the fair queue; one thread, not the loop's
        # default executor (which the network layer may need for name lookups
        # meanwhile), takes the next of them whenever the worker is free.
        self._waiting: FairQueue[_Job[Any]] = FairQueue()
        self._queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-process")

    def keep_out_of_logs(self, secrets: tuple[str, ...]) -> None:
        """Redact ``secrets`` (the bot token) in the worker's log lines too; call before first use."""
        self._secrets = secrets

    def call(self, function: Callable[..., _T], *args: object) -> _T:
        """``function(*args)`` in the worker, waited for; blocks, so not on the event loop.

        A worker that died (or ended after its idle time while the job was on
        its way) is replaced once, so one bad moment does not end every later
        chart.
        """
        with self._lock:
            try:
                return self._ask(function, args)
            except WorkerDied:
                self._stop()
                return self._ask(function, args)

    async def run(self, function: Callable[..., _T], *args: object) -> _T:
        """``function(*args)`` in the worker, without blocking the event loop, in the requester's turn."""
        # The worker speaks the requester's language: a PDF or chart is in the language it is for.
        job: _Job[_T] = _Job(spoken_call, (spoken(), function, *args), Future())
        self._waiting.put(current_requester(), job)
        self._queue.submit(self._serve_next)  # one turn for each job: some job, the fairest
        return await asyncio.wrap_future(job.result)

    def _serve_next(self) -> None:
        job = self._waiting.take()
        try:
            if not job.result.set_running_or_notify_cancel():
                return  # nobody waits for it any more
            try:
                job.result.set_result(self.call(job.function, *job.args))
            except BaseException as error:  # handed to the waiting coroutine, as an executor does
                job.result.set_exception(error)
        finally:
            self._waiting.finished()

    def warm_up(self) -> Future[None]:
        """Start the worker and load the chart library now, not at the first run's end."""
        return self._queue.submit(self.call, load_chart_library)

    def shut_down(self) -> None:
        """End the worker and wait for it; it starts again when next needed."""
        with self._lock:
            self._stop()

    @property
    def pid(self) -> int | None:
        """The running worker's process id; None while none runs."""
        return self._worker.pid if self._worker is not None and self._worker.poll() is None \
            else None

    def _ask(self, function: Callable[..., _T], args: tuple[object, ...]) -> _T:
        worker = self._running()
        assert worker.stdin is not None and worker.stdout is not None
        try:
            send_frame(worker.stdin, pickle.dumps((function, args)))
            reply = receive_frame(worker.stdout)
        except (BrokenPipeError, ConnectionResetError) as error:
            raise WorkerDied(f"the worker ended ({error})") from None
        if reply is None:
            raise WorkerDied(f"the worker ended (exit code {worker.wait()})")
        succeeded, value = pickle.loads(reply)
        if not succeeded:
            raise value
        return value  # type: ignore[no-any-return]

    def _running(self) -> subprocess.Popen[bytes]:
        if self._worker is not None and self._worker.poll() is not None:
            self._stop()  # ended after its idle time: a new one takes the job
        if self._worker is None:
            self._worker = self._start()
        return self._worker

    def _start(self) -> subprocess.Popen[bytes]:
        path = os.pathsep.join(p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot.output.drawing_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path}, close_fds=True)
        assert worker.stdin is not None
        send_frame(worker.stdin, pickle.dumps((self._secrets, self._idle_seconds, NICENESS)))
        return worker

    def _stop(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        assert worker.stdin is not None and worker.stdout is not None
        try:
            worker.stdin.close()  # the worker ends when its stdin closes
        except BrokenPipeError:
            pass
        worker.stdout.close()
        worker.wait()


DRAWING = WorkerProcess()
PRINTING = WorkerProcess(idle_seconds=PRINTING_IDLE_SECONDS)
for _worker in (DRAWING, PRINTING):
    atexit.register(_worker.shut_down)  # a normal exit waits for the workers to end


async def in_drawing_process(function: Callable[..., _T], *args: object) -> _T:
    """Draw a chart off the bot's process: the bot's only way to draw one."""
    return await DRAWING.run(function, *args)


async def in_print_process(function: Callable[..., _T], *args: object) -> _T:
    """Make a PDF off the bot's process: the bot's only way to make one."""
    return await PRINTING.run(function, *args)

