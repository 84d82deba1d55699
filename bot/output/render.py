"""Rendering every text the bot sends from the templates in ``reports/``.

Messages are Jinja2 templates rendered with autoescaping, because Telegram's
HTML parse mode rejects a message with a stray ``<`` or ``&`` from a
questionnaire text or a municipality's name. Short plain texts (button labels,
button-tap notices, command descriptions) live in ``reports/texts.toml``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateError, select_autoescape

from bot.config import Operator
from bot.domain.questionnaire import shown_percent
from bot.resources import REPORTS_DIR

MESSAGE_LIMIT = 4096  # Telegram's maximum message length
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")


class TemplateSetupError(Exception):
    """The templates or ``texts.toml`` are missing or broken."""


# The operator of a bot that has not named itself (frozen, so one instance serves all).
NOBODY_NAMED = Operator()

# Texts rendered in this task (and the tasks it starts) are for the browser, not for Telegram.
_BROWSER: ContextVar[bool] = ContextVar("browser_words", default=False)
BROWSER_TEXTS = "browser."  # the prefix of a short text's browser variant in texts.toml


@contextmanager
def speak_browser() -> Iterator[None]:
    """Render every text of the current task in the browser's words while this lasts."""
    token = _BROWSER.set(True)
    try:
        yield
    finally:
        _BROWSER.reset(token)


def speaking_browser() -> bool:
    """Whether the current task speaks to the browser (a page can offer what a chat cannot)."""
    return _BROWSER.get()


class Renderer:
    """Renders HTML messages and plain texts; create it once at start-up.

    ``operator`` (who runs the bot) is a template global: it is fixed for the
    process's life and appears in texts made in many places (/datenschutz, the
    welcome, the PDF reports made in another process), so it travels with the
    renderer instead of through every caller.
    """

    def __init__(self, directory: Path = REPORTS_DIR, operator: Operator = NOBODY_NAMED) -> None:
        self._directory = directory
        self._operator = operator
        # Everything is escaped except plain-text templates (``*.txt.j2``) for the console.
        autoescape = select_autoescape(enabled_extensions=(), disabled_extensions=("txt.j2",),
                                       default=True)
        # Templates are read and compiled once, here; without auto_reload Jinja
        # does not look at the files' modification times on every message.
        self._html = Environment(loader=FileSystemLoader(_template_folders(directory)),
                                 autoescape=autoescape,
                                 undefined=StrictUndefined, trim_blocks=True,
                                 lstrip_blocks=True, keep_trailing_newline=False,
                                 auto_reload=False)
        # The short texts too, so a template names a text of texts.toml instead of repeating it.
        self._html.globals.update(operator=operator, text=self.text, command=self.command)
        # A percentage as a person reads it, rounded as the level beside it is judged.
        self._html.filters["percent"] = shown_percent
        # A stored day (ISO, "2026-12-03") as German readers write it: "03.12.2026".
        self._html.filters["day"] = lambda day: date.fromisoformat(day).strftime("%d.%m.%Y")
        self._plain = Environment(autoescape=False, undefined=StrictUndefined)
        self._texts = self._load_texts(directory / "texts.toml")
        self._fixed_texts: dict[str, str] = {}  # texts without variables, rendered once
        try:  # compile every template now, so a syntax error stops the start
            for name in self._html.list_templates(extensions=["j2"]):
                self._html.get_template(name)
        except TemplateError as error:
            raise TemplateSetupError(f"{directory}: Vorlage fehlerhaft: {error}") from None

    def __reduce__(self) -> tuple[Any, tuple[Path, Operator]]:
        """Pickled as its directory and operator, so it can travel to the drawing process.

        There (:mod:`bot.output.workers`) :func:`shared_renderer` builds one
        renderer per directory and operator and keeps it.
        """
        return shared_renderer, (self._directory, self._operator)

    def _load_texts(self, path: Path) -> dict[str, Template]:
        try:
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise TemplateSetupError(f"{path}: nicht lesbar ({error})") from None
        flat = _flatten(raw)
        orphans = [key for key in flat if key.startswith(BROWSER_TEXTS)
                   and key.removeprefix(BROWSER_TEXTS) not in flat]
        if orphans:
            raise TemplateSetupError(f"{path}: Browser-Fassung ohne Grundtext: {orphans[0]}")
        try:
            return {key: self._plain.from_string(value) for key, value in flat.items()}
        except TemplateError as error:
            raise TemplateSetupError(f"{path}: fehlerhafter Text ({error})") from None

    def text(self, key: str, **context: Any) -> str:
        """A short plain text (no HTML), e.g. a button label; its browser variant there."""
        if _BROWSER.get() and BROWSER_TEXTS + key in self._texts:
            key = BROWSER_TEXTS + key
        if context:
            return self._texts[key].render(**context)
        fixed = self._fixed_texts.get(key)
        if fixed is None:
            fixed = self._fixed_texts[key] = self._texts[key].render()
        return fixed

    def command(self, name: str) -> str:
        """A command as the channel names it: ``/weiter`` in Telegram, „Weiter“ in the browser.

        The browser's navigation has no start: „Weiter“ shows where a person stands.
        """
        if not _BROWSER.get():
            return f"/{name}"
        return self.text("web.quoted",
                         label=self.text("web.nav." + ("weiter" if name == "start" else name)))

    def html(self, template: str, **context: Any) -> str:
        """A message in Telegram HTML, blank-line runs folded; ``browser`` tells the channel."""
        rendered = self._html.get_template(template).render(browser=_BROWSER.get(), **context)
        return _BLANK_LINES.sub("\n\n", rendered).strip()

    def plain(self, template: str, **context: Any) -> str:
        """A plain-text template (``*.txt.j2``), e.g. console output."""
        return self._html.get_template(template).render(**context).rstrip() + "\n"

    def html_parts(self, template: str, **context: Any) -> list[str]:
        """A long message, split into parts that each fit into one Telegram message."""
        return split_message(self.html(template, **context))


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at paragraph (then line) boundaries so no HTML tag is cut in two.

    Templates keep every tag within one line, so a boundary between lines is
    always a safe place to cut.
    """
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        pieces = [paragraph] if telegram_length(paragraph) <= limit else paragraph.split("\n")
        for piece in pieces:
            if telegram_length(piece) > limit:
                raise ValueError("a single line is longer than a Telegram message")
            separator = "\n\n" if piece is paragraph else "\n"
            candidate = f"{current}{separator}{piece}" if current else piece
            if telegram_length(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def visible_length(html: str) -> int:
    """What Telegram counts against its limit: the text after its HTML tags are parsed."""
    return telegram_length(unescape(_TAG.sub("", html)))


def pack_blocks(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks (e.g. one per field) joined into as few messages as fit, never cutting a block.

    Only a block longer than a whole message is split, at its paragraphs.
    """
    parts: list[str] = []
    for block in blocks:
        if parts and visible_length(f"{parts[-1]}\n\n{block}") <= limit:
            parts[-1] = f"{parts[-1]}\n\n{block}"
        elif visible_length(block) <= limit:
            parts.append(block)
        else:
            parts.extend(split_message(block, limit))
    return parts


@functools.cache
def shared_renderer(directory: Path, operator: Operator = NOBODY_NAMED) -> Renderer:
    """One renderer per directory and operator in a process that only needs one now and then."""
    return Renderer(directory, operator)


# Templates live in one folder per kind of output, addressed by their file name alone:
# chat messages, printable reports, console output. The browser's pages beside them
# (reports/web/) have an environment of their own (bot/web/pages.py).
TEMPLATE_FOLDERS = ("chat", "pdf", "console", "shared")


def _template_folders(directory: Path) -> list[Path]:
    return [directory / folder for folder in TEMPLATE_FOLDERS]
