"""How the process runs, whichever channels it serves: its event loop and garbage collector."""

from __future__ import annotations

import asyncio
import gc


def tune_garbage_collector() -> None:
    """Fewer and shorter collector pauses in a burst of taps; call once everything is loaded.

    The modules, the questionnaire and the templates live as long as the
    process: frozen, they are no longer walked by every full collection. A tap
    allocates thousands of short-lived objects that reference counting frees
    anyway, so the youngest generation is collected every 10,000 allocations
    instead of every 700. Measured with ``python -m bot.bench`` (README).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def use_uvloop() -> None:
    """uvloop's event loop costs 6-8 % less CPU per tap (README); asyncio's where it is missing."""
    try:
        import uvloop
    except ImportError:  # not built for this platform (Windows)
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
