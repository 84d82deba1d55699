"""The languages of the texts in ``reports/``: what each calls itself, its direction, its locale.

German (``reports/`` itself) is the source. Another language is a folder
``reports/languages/<tag>/`` that mirrors the source's text files (``texts.toml``,
the templates of ``chat/``, ``shared/``, ``pdf/`` and ``web/``; style sheets and
scripts are shared) and names itself in ``language.toml``. A language is offered
once it is complete, so a person never reads half a page in another language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from jinja2 import Environment, TemplateSyntaxError, meta, nodes

from bot.domain.spoken import SOURCE_LANGUAGE, spoken

LANGUAGES_DIR = "languages"
LANGUAGE_FILE = "language.toml"
TEXTS_FILE = "texts.toml"
# The folders whose templates hold texts; console output is for the operator, in German.
TEXT_FOLDERS = ("chat", "shared", "pdf", "web")
_SHARED_SUFFIXES = (".css.j2",)  # style sheets: the same for every language


class LanguageError(Exception):
    """A language's ``language.toml`` is missing or wrong."""


@dataclass(frozen=True)
class Language:
    tag: str         # BCP 47, the folder's name and the pages' ``lang``: "en", "de-x-ls"
    name: str        # as the language names itself, in the switch: "English"
    direction: str   # "ltr" or "rtl", the pages' and the PDF's ``dir``
    locale: Locale   # Babel's, for dates and numbers

    def day(self, value: date | str) -> str:
        """A day as readers of this language write it: "03.12.2026", "3 Dec 2026"."""
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, "medium", locale=self.locale)

    def moment(self, value: datetime) -> str:
        """A day and a time of day: "03.12.2026, 14:03"."""
        return f"{self.day(value.date())}, {format_time(value.time(), 'short', locale=self.locale)}"


def folder_of(directory: Path, tag: str) -> Path:
    """Where the texts of ``tag`` live inside ``reports/``."""
    return directory if tag == SOURCE_LANGUAGE else directory / LANGUAGES_DIR / tag


def language_tags(directory: Path) -> tuple[str, ...]:
    """The source and every language with a folder, in the order the switch shows them."""
    folder = directory / LANGUAGES_DIR
    others = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return (SOURCE_LANGUAGE, *others)


def read_language(directory: Path, tag: str) -> Language:
    path = folder_of(directory, tag) / LANGUAGE_FILE
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LanguageError(f"{path}: nicht lesbar ({error})") from None
    name, direction, locale = raw.get("name"), raw.get("direction"), raw.get("locale")
    if not isinstance(name, str) or not name.strip():
        raise LanguageError(f"{path}: 'name' fehlt")
    if direction not in ("ltr", "rtl"):
        raise LanguageError(f"{path}: 'direction' muss \"ltr\" oder \"rtl\" sein")
    try:
        parsed = Locale.parse(str(locale))
    except (ValueError, TypeError, UnknownLocaleError):
        raise LanguageError(f"{path}: 'locale' ist keine bekannte Locale (z. B. \"de\", \"en_GB\")") \
            from None
    language = Language(tag, name.strip(), direction, parsed)
    _READ[tag] = language
    return language


# Every language read in this process, so that a day is written in the current task's
# language wherever it is made (a flow, a worker), without handing the renderer around.
_READ: dict[str, Language] = {}


def shown_moment(moment: datetime) -> str:
    """A day and a time of day in the language the current task speaks."""
    language = _READ.get(spoken()) or _READ.get(SOURCE_LANGUAGE)
    return language.moment(moment) if language is not None else moment.strftime("%d.%m.%Y, %H:%M")


def shown_day(day: date) -> str:
    """A day in the language the current task speaks (German's way where none was read)."""
    language = _READ.get(spoken()) or _READ.get(SOURCE_LANGUAGE)
    return language.day(day) if language is not None else day.strftime("%d.%m.%Y")


def chosen_language(preferred: Iterable[str], offered: Iterable[str]) -> str | None:
    """The offered language that fits a person's wishes best (Telegram's or a browser's).

    Wishes count in their order: the first that an offered language meets, by its whole
    tag or by its language ("en-GB" → "en"), decides. A private-use tag ("de-x-ls") is
    met only by name: a browser asking for German gets the source, not a register of it.
    """
    offered = tuple(offered)
    plain = {tag.split("-")[0]: tag for tag in reversed(offered) if "-x-" not in tag}
    for wish in preferred:
        wish = wish.replace("_", "-").strip().lower()
        if wish in offered:
            return wish
        if wish.split("-")[0] in plain:
            return plain[wish.split("-")[0]]
    return None


def accepted_languages(header: str) -> list[str]:
    """An ``Accept-Language`` header's tags, the most wanted first."""
    weighted = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


# --- completeness ----------------------------------------------------------------------------

def text_problems(directory: Path, tag: str) -> list[str]:
    """What the texts of ``tag`` lack that the source has, or use that the source does not."""
    source, folder = directory, folder_of(directory, tag)
    problems: list[str] = []
    try:
        read_language(directory, tag)
    except LanguageError as error:
        problems.append(str(error).removeprefix(f"{folder}/"))
    problems.extend(_short_text_problems(source / TEXTS_FILE, folder / TEXTS_FILE))
    for name in source_templates(source):
        problems.extend(_template_problems(source / name, folder / name, name))
    return problems


def source_templates(directory: Path) -> Iterator[str]:
    """The source's templates with texts, named from ``reports/`` ("chat/welcome.html.j2")."""
    for folder in TEXT_FOLDERS:
        for path in sorted((directory / folder).glob("*.j2")):
            if not path.name.endswith(_SHARED_SUFFIXES):
                yield f"{folder}/{path.name}"


_PARSER = Environment(trim_blocks=True, lstrip_blocks=True)
_PARSER.filters.update(percent=round, day=str)  # the templates' own filters, for parsing only


def placeholders(source: str) -> set[str]:
    """The variables a text or template uses, with every attribute it reads of them."""
    tree = _PARSER.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    return names | {f".{node.attr}" for node in tree.find_all(nodes.Getattr)}


def _template_problems(source: Path, translated: Path, name: str) -> list[str]:
    if not translated.exists():
        return [f"{name}: fehlt"]
    try:
        extra = placeholders(translated.read_text(encoding="utf-8")) - placeholders(
            source.read_text(encoding="utf-8"))
    except TemplateSyntaxError as error:
        return [f"{name}: Zeile {error.lineno}: {error.message}"]
    return [f"{name}: Platzhalter, die die Quelle nicht hat: {', '.join(sorted(extra))}"] \
        if extra else []


def _short_text_problems(source: Path, translated: Path) -> list[str]:
    if not translated.exists():
        return [f"{TEXTS_FILE}: fehlt"]
    try:
        mine = flat_texts(_toml(translated))
    except (OSError, tomllib.TOMLDecodeError) as error:
        return [f"{TEXTS_FILE}: nicht lesbar ({error})"]
    theirs = flat_texts(_toml(source))
    problems = [f"{TEXTS_FILE}: {key} fehlt" for key in theirs if key not in mine]
    problems.extend(f"{TEXTS_FILE}: {key} gibt es in der Quelle nicht"
                    for key in mine if key not in theirs)
    for key in theirs.keys() & mine.keys():
        try:
            extra = placeholders(mine[key]) - placeholders(theirs[key])
        except TemplateSyntaxError as error:
            problems.append(f"{TEXTS_FILE}: {key}: {error.message}")
            continue
        if extra:
            problems.append(f"{TEXTS_FILE}: {key}: Platzhalter, die die Quelle nicht hat: "
                            f"{', '.join(sorted(extra))}")
    return sorted(problems)


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def flat_texts(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``[button] begin = …`` as ``{"button.begin": …}``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_texts(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat
