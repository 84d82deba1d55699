"""Asking for typed values in a form, and checking each one against its limits.

A chat asks for a value in words and reads one message; a form asks for each
value in a field of its own, so a refused value is told next to its field.
"""

from __future__ import annotations

from bot.flows.outcome import TextInput
from bot.output.render import Renderer


def tidy(value: str) -> str:
    """A typed value as it is kept: runs of spaces and line breaks made one space."""
    return " ".join(value.split())


def length_error(render: Renderer, value: str, low: int, high: int) -> str | None:
    """What is wrong with the length of ``value`` (tidied), or ``None``."""
    length = len(tidy(value))
    if length == 0:
        return render.text("form.empty")
    if length < low:
        return render.text("form.too_short", low=low)
    if length > high:
        return render.text("form.too_long", high=high, length=length)
    return None


def text_input(render: Renderer, name: str, texts: str, limits: tuple[int, int], *,
               value: str = "", error: str | None = None, lines: int = 1) -> TextInput:
    """The field ``name``, labelled and exemplified by ``form.<texts>`` and ``form.<texts>_example``."""
    low, high = limits
    return TextInput(name, render.text(f"form.{texts}"), max_length=high,
                     example=render.text("form.example",
                                         example=render.text(f"form.{texts}_example")),
                     hint=render.text("form.length", low=low, high=high),
                     lines=lines, value=value, error=error)
