"""The worker side of :mod:`bot.output.workers`: jobs arrive on stdin, answers leave on stdout.

Both sides use the frame format defined here.

Started as ``python -m bot.output.drawing_worker``, so that it imports only the
modules its jobs need. It ends when its stdin closes – the bot shut it down,
or the bot's process ended in any way, even killed – or, if it was given an
idle time, when no job has come for that long.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import select
import signal
import struct
import sys
import traceback
from typing import IO

from bot import logs
from bot.output.chart import load_matplotlib

_LENGTH = struct.Struct(">I")  # a frame: its length, then that many bytes of pickle


def main() -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # A library that prints must not write into an answer: print goes to stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # unbuffered, so waiting for the next job sees every byte (stdin's buffer is a BufferedReader)
    jobs = sys.stdin.buffer.raw  # type: ignore[union-attr]
    settings = receive_frame(jobs)
    if settings is None:
        return
    secrets, idle_seconds, niceness = pickle.loads(settings)
    _prepare(secrets, niceness)
    while _next_job_arrives(jobs, idle_seconds):
        job = receive_frame(jobs)
        if job is None:
            return
        send_frame(answers, _carry_out(job))


def _prepare(secrets: tuple[str, ...], niceness: int) -> None:
    """Lower the priority; leave Ctrl-C to the bot, whose exit ends the worker.

    Log lines (a library's warning, a failed drawing) go to the bot's stderr
    through the same redacting formatter as the bot's own.
    """
    logs.configure_logging(logging.WARNING).add_secrets(secrets)
    os.nice(niceness)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _next_job_arrives(jobs: IO[bytes], idle_seconds: float | None) -> bool:
    if idle_seconds is None:
        return True
    ready, _, _ = select.select([jobs], [], [], idle_seconds)
    return bool(ready)


def _carry_out(job: bytes) -> bytes:
    """The pickled answer: ``(True, result)`` or ``(False, the exception)``."""
    try:
        function, args = pickle.loads(job)
        answer: tuple[bool, object] = (True, function(*args))
    except Exception as error:  # raised again in the bot, with where it happened here
        error.add_note("".join(traceback.format_exception(error)))
        answer = (False, error)
    finally:
        # A matplotlib figure is a web of reference cycles: collected now, the
        # worker stays at its size instead of growing by ~1 MB a chart.
        gc.collect()
    try:
        return pickle.dumps(answer)
    except Exception as error:
        return pickle.dumps((False, RuntimeError(f"the answer cannot travel back: {error!r}")))


def send_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def receive_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame, or None when the other side has closed the pipe."""
    header = _read_exactly(stream, _LENGTH.size)
    return None if header is None else _read_exactly(stream, _LENGTH.unpack(header)[0])


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    """``size`` bytes; a pipe hands out large frames in pieces. None at its end."""
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def load_chart_library() -> None:
    load_matplotlib()  # the module itself stays there: it cannot travel back


if __name__ == "__main__":
    main()
