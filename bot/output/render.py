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
from collections.abc import Iterable
from contextvars import ContextVar
from html import unescape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateError, select_autoescape

from bot.config import Operator
from bot.domain.context_setting import Setting
from bot.domain.questionnaire import shown_percent
from bot.domain.spoken import SOURCE_LANGUAGE, spoken
from bot.output.languages import (
    Language,
    LanguageError,
    flat_texts,
    folder_of,
    language_tags,
    read_language,
    text_problems,
)
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


def speak_browser() -> Setting[bool]:
    """Render every text of the current task in the browser's words while this lasts."""
    return Setting(_BROWSER, True)


def speaking_browser() -> bool:
    """Whether the current task speaks to the browser (a page can offer what a chat cannot)."""
    return _BROWSER.get()


class Renderer:
    """Renders HTML messages and plain texts in every language; create it once at start-up.

    ``operator`` (who runs the bot) is a template global: it is fixed for the
    process's life and appears in texts made in many places (/datenschutz, the
    welcome, the PDF reports made in another process), so it travels with the
    renderer instead of through every caller. Each text is rendered in the language
    the current task speaks (:func:`bot.domain.spoken.speaking`); ``languages``
    limits the translations offered (``None``: every complete one).
    """

    def __init__(self, directory: Path = REPORTS_DIR, operator: Operator = NOBODY_NAMED,
                 languages: Iterable[str] | None = None, *, checked: bool = False) -> None:
        self._directory = directory
        self._operator = operator
        wanted = None if languages is None else set(languages)
        self.incomplete: tuple[str, ...] = ()  # translations left out: check-questions says why
        tags = []
        for tag in language_tags(directory):
            if tag != SOURCE_LANGUAGE and wanted is not None and tag not in wanted:
                continue
            # ``checked``: a copy of a renderer that has vetted these languages (in a worker)
            if tag != SOURCE_LANGUAGE and not checked and text_problems(directory, tag):
                self.incomplete += (tag,)
                continue
            tags.append(tag)
        try:
            self.languages = tuple(read_language(directory, tag) for tag in tags)
        except LanguageError as error:
            raise TemplateSetupError(str(error)) from None
        self._by_tag = {language.tag: language for language in self.languages}
        self._plain = Environment(autoescape=False, undefined=StrictUndefined)
        self._html = {language.tag: self._environment(language) for language in self.languages}
        self._texts = {tag: self._load_texts(folder_of(directory, tag) / "texts.toml")
                       for tag in tags}
        # Texts without variables, rendered once: by the language spoken, the channel, the key.
        self._fixed_texts: dict[tuple[str, bool, str], str] = {}
        self._kept_texts: dict[tuple[object, ...], str] = {}  # see kept_text
        for tag, environment in self._html.items():
            try:  # compile every template now, so a syntax error stops the start
                compile_all(environment, environment.list_templates(extensions=["j2"]))
            except TemplateError as error:
                raise TemplateSetupError(
                    f"{folder_of(directory, tag)}: Vorlage fehlerhaft: {error}") from None

    def _environment(self, language: Language) -> Environment:
        # Everything is escaped except plain-text templates (``*.txt.j2``) for the console.
        autoescape = select_autoescape(enabled_extensions=(), disabled_extensions=("txt.j2",),
                                       default=True)
        # A translation's templates first; the source's for what every language shares
        # (style sheets, console output). Templates are read and compiled once: without
        # auto_reload Jinja does not look at the files' modification times on every message.
        folders = _template_folders(folder_of(self._directory, language.tag))
        if language.tag != SOURCE_LANGUAGE:
            folders += _template_folders(self._directory)
        environment = Environment(loader=FileSystemLoader(folders), autoescape=autoescape,
                                  undefined=StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True, keep_trailing_newline=False,
                                  auto_reload=False, cache_size=TEMPLATES_KEPT)
        # The short texts too, so a template names a text of texts.toml instead of repeating it.
        environment.globals.update(operator=self._operator, text=self.text, command=self.command,
                                   language=language, languages=self.languages)
        add_filters(environment, language)
        return environment

    def __reduce__(self) -> tuple[Any, tuple[Path, Operator, tuple[str, ...], bool]]:
        """Pickled as its directory, operator and languages, so it can travel to the drawing process.

        There (:mod:`bot.output.workers`) :func:`shared_renderer` builds one
        renderer per directory, operator and languages and keeps it.
        """
        return shared_renderer, (self._directory, self._operator,
                                 tuple(language.tag for language in self.languages), True)

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def language(self) -> Language:
        """The language the current task speaks (the source if that one is not offered)."""
        return self._by_tag.get(spoken()) or self.languages[0]

    def offers(self, tag: str) -> bool:
        return tag in self._by_tag

    def _load_texts(self, path: Path) -> dict[str, Template]:
        try:
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise TemplateSetupError(f"{path}: nicht lesbar ({error})") from None
        flat = flat_texts(raw)
        orphans = [key for key in flat if key.startswith(BROWSER_TEXTS)
                   and key.removeprefix(BROWSER_TEXTS) not in flat]
        if orphans:
            raise TemplateSetupError(f"{path}: Browser-Fassung ohne Grundtext: {orphans[0]}")
        try:
            return {key: settled(self._plain.from_string(value)) for key, value in flat.items()}
        except TemplateError as error:
            raise TemplateSetupError(f"{path}: fehlerhafter Text ({error})") from None

    def text(self, key: str, **context: Any) -> str:
        """A short plain text (no HTML), e.g. a button label; its browser variant there."""
        browser = _BROWSER.get()
        if not context:  # every page asks for a dozen of these: one look-up each
            fixed = self._fixed_texts.get((spoken(), browser, key))
            if fixed is not None:
                return fixed
        tag = self.language.tag
        texts = self._texts[tag]
        shown = BROWSER_TEXTS + key if browser and BROWSER_TEXTS + key in texts else key
        if context:
            return texts[shown].render(**context)
        fixed = self._fixed_texts[spoken(), browser, key] = texts[shown].render()
        return fixed

    def kept_text(self, key: str, kept_as: tuple[str, ...], **context: Any) -> str:
        """:meth:`text` with variables that ``kept_as`` names in full (a statement's id, a
        choice): rendered once per language and channel, as pages and taps ask for it again."""
        kept = (spoken(), _BROWSER.get(), key, *kept_as)
        shown = self._kept_texts.get(kept)
        if shown is None:
            shown = self._kept_texts[kept] = self.text(key, **context)
        return shown

    def command(self, name: str) -> str:
        """A command as the channel names it: ``/weiter`` in Telegram, „Weiter“ in the browser.

        The browser's navigation has no start: „Weiter“ shows where a person stands.
        """
        if not _BROWSER.get():
            return f"/{name}"
        return self.text("web.quoted",
                         label=self.text("web.nav." + ("weiter" if name == "start" else name)))

    def _template(self, name: str) -> Template:
        return self._html[self.language.tag].get_template(name)

    def html(self, template: str, **context: Any) -> str:
        """A message in Telegram HTML, blank-line runs folded; ``browser`` tells the channel."""
        rendered = self._template(template).render(browser=_BROWSER.get(), **context)
        return _BLANK_LINES.sub("\n\n", rendered).strip()

    def plain(self, template: str, **context: Any) -> str:
        """A plain-text template (``*.txt.j2``), e.g. console output."""
        return self._template(template).render(**context).rstrip() + "\n"

    def html_parts(self, template: str, **context: Any) -> list[str]:
        """A long message, split into parts that each fit into one Telegram message."""
        return split_message(self.html(template, **context))


# Every template stays compiled (a plain dict, no LRU): there are a few hundred, all read
# at start-up, and every message and page looks several of them up.
TEMPLATES_KEPT = -1


def compile_all(environment: Environment, names: Iterable[str]) -> None:
    """Compile the templates ``names`` once, with their globals settled for the process's life.

    Jinja gives each template a ChainMap of its globals over the environment's; every
    render, include and import walks it. The globals never change after start-up, so
    each template gets them as one plain dict.
    """
    for name in names:
        settled(environment.get_template(name))


def settled(template: Template) -> Template:
    """``template`` with its globals as one plain dict (see :func:`compile_all`)."""
    template.globals = dict(template.globals)
    return template


def add_filters(environment: Environment, language: Language) -> None:
    """The filters every template of ``language`` may use, in the chat, the PDF and the browser."""
    # A percentage as a person reads it, rounded as the level beside it is judged.
    environment.filters["percent"] = shown_percent
    # A stored day (ISO, "2026-12-03") as readers of the language write it.
    environment.filters["day"] = language.day


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
def shared_renderer(directory: Path, operator: Operator = NOBODY_NAMED,
                    languages: tuple[str, ...] | None = None, checked: bool = False) -> Renderer:
    """One renderer per directory, operator and languages in a process that needs one now and then.

    Its languages come ``checked`` from the renderer that was pickled: the worker does not
    read every template again to vet them, which would delay its first chart or PDF.
    """
    return Renderer(directory, operator, languages, checked=checked)


# Templates live in one folder per kind of output, addressed by their file name alone:
# chat messages, printable reports, console output. The browser's pages beside them
# (reports/web/) have an environment of their own (bot/web/pages.py).
TEMPLATE_FOLDERS = ("chat", "pdf", "console", "shared")


def _template_folders(directory: Path) -> list[Path]:
    return [directory / folder for folder in TEMPLATE_FOLDERS]
