"""Translations of the questionnaire: the source's ids with texts of another language.

``questions/languages/<tag>/`` holds, for each file of the German source, a file of
the same name with only the ids and the texts; structure (numbers, points, topics,
years) stays in the source, so every language asks the same statements and a
workshop adds up answers given in any of them. A translation is used only when it
is complete: every text the source has, nothing the source lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from bot.domain.questionnaire import (
    RETIRED_FILE,
    Field,
    FieldWords,
    Questionnaire,
    QuestionnaireError,
    SourceWords,
    Statement,
    StatementWords,
    field_paths,
    field_words,
    load_source,
    read_text,
    read_toml,
    source_words,
    statement_words,
)

LANGUAGES_DIR = "languages"
_T = TypeVar("_T")
_STATEMENT_TEXTS = ("text", "info", "answering", "suggestion", "unknown_hint")


@dataclass(frozen=True)
class Translation:
    """Every text of one language, by the id of what it translates."""

    tag: str
    fields: Mapping[str, FieldWords]
    statements: Mapping[str, StatementWords]
    sources: Mapping[str, tuple[SourceWords, ...]]  # a field's id → its sources, in order
    choices: Mapping[str, str]
    levels: Mapping[str, str]
    insufficient: str
    retired: Mapping[str, str]


def translation_tags(directory: Path) -> tuple[str, ...]:
    """The languages with a folder of translations beside the source."""
    folder = directory / LANGUAGES_DIR
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name for p in folder.iterdir() if p.is_dir()))


def with_translations(source: Questionnaire, directory: Path,
                      languages: Iterable[str] | None = None) -> Questionnaire:
    wanted = None if languages is None else set(languages)
    questionnaire = source
    for tag in translation_tags(directory):
        if wanted is not None and tag not in wanted:
            continue
        translation, problems = read_translation(source, directory, tag)
        if translation is not None and not problems:
            questionnaire = translated(questionnaire, translation)
    return questionnaire


def translation_problems(directory: Path) -> dict[str, list[str]]:
    """What each language's translation lacks or has too much, in words for its translator."""
    source = load_source(directory)
    return {tag: read_translation(source, directory, tag)[1]
            for tag in translation_tags(directory)}


def read_translation(source: Questionnaire, directory: Path,
                     tag: str) -> tuple[Translation | None, list[str]]:
    """The translation into ``tag`` and the problems found; ``None`` if a file is unreadable."""
    folder = directory / LANGUAGES_DIR / tag
    reading = _Reading(folder)
    fields: dict[str, FieldWords] = {}
    statements: dict[str, StatementWords] = {}
    sources: dict[str, tuple[SourceWords, ...]] = {}
    for field, path in zip(source.fields, field_paths(directory)):
        data = reading.file(path.name)
        if data is None:
            continue
        reading.extra(data, {"id", "title", "short_title", "intro", "assessments", "topics",
                             "sources", "statements"}, path.name)
        if data.get("id", field.id) != field.id:
            reading.problems.append(f"{path.name}: 'id' muss wie in der Quelle '{field.id}' lauten")
        words = reading.attempt(field_words, data, path.name)
        if words is not None:
            if set(words.topics) != set(field.topics):
                reading.problems.append(f"{path.name}: [topics] braucht genau {sorted(field.topics)}")
            fields[field.id] = words
        sources[field.id] = _sources(reading, field, data, path.name)
        statements.update(_statements(reading, field, data, path.name))
    choices, levels, insufficient = _scale(reading, source)
    retired = _retired(reading, source)
    if reading.unreadable:
        return None, reading.problems
    return (Translation(tag, fields, statements, sources, choices, levels, insufficient, retired),
            reading.problems)


class _Reading:
    """The files of one translation as they are read, and every problem found on the way."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        self.unreadable = False

    def file(self, name: str) -> dict[str, Any] | None:
        path = self.folder / name
        if not path.exists():
            self.problems.append(f"{name}: Datei fehlt")
            self.unreadable = True
            return None
        data = self.attempt(read_toml, path)
        if data is None:
            self.unreadable = True
        return data

    def attempt(self, read: Callable[..., _T], *args: Any) -> _T | None:
        """``read(*args)``, or None with its problem noted."""
        try:
            return read(*args)
        except QuestionnaireError as error:
            self.problems.append(str(error).removeprefix(f"{self.folder}/"))
            return None

    def extra(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.problems.append(f"{where}: '{key}' gehört nicht in eine Übersetzung "
                                 "(nur ids und Texte; der Aufbau steht in der deutschen Datei)")


def _sources(reading: _Reading, field: Field, data: Mapping[str, Any],
             name: str) -> tuple[SourceWords, ...]:
    raw = data.get("sources", [])
    if not isinstance(raw, list) or len(raw) != len(field.sources):
        reading.problems.append(f"{name}: {len(field.sources)} Quellen ([[sources]]) erwartet")
        return ()
    found = []
    for i, entry in enumerate(raw):
        where = f"{name}: sources[{i}]"
        reading.extra(entry, {"title", "publisher"}, where)
        words = reading.attempt(source_words, entry, where)
        if words is not None:
            found.append(words)
    return tuple(found)


def _statements(reading: _Reading, field: Field, data: Mapping[str, Any],
                name: str) -> dict[str, StatementWords]:
    raw = data.get("statements", [])
    given = {entry.get("id"): entry for entry in raw if isinstance(entry, dict)} \
        if isinstance(raw, list) else {}
    found: dict[str, StatementWords] = {}
    for statement in field.statements:
        entry = given.pop(statement.id, None)
        where = f"{name}: {statement.id}"
        if entry is None:
            reading.problems.append(f"{where}: Aussage fehlt")
            continue
        expected = _texts_of(statement)
        for key in sorted(expected - set(entry)):
            reading.problems.append(f"{where}: '{key}' fehlt")
        for key in sorted(set(entry) - expected - {"id"}):
            reading.problems.append(f"{where}: '{key}' gibt es in der Quelle nicht")
        words = reading.attempt(statement_words, entry, where)
        if words is not None:
            found[statement.id] = words
    reading.problems.extend(f"{name}: Aussage '{extra}' gibt es in der Quelle nicht"
                            for extra in given)
    return found


def _texts_of(statement: Statement) -> set[str]:
    words = statement.words.source
    return {key for key in _STATEMENT_TEXTS if getattr(words, key) is not None}


def _scale(reading: _Reading, source: Questionnaire) -> tuple[dict[str, str], dict[str, str], str]:
    data = reading.file("scale.toml") or {}
    reading.extra(data, {"choices", "levels", "insufficient"}, "scale.toml")
    choices = _labels(reading, data.get("choices", []), "key",
                      [c.key for c in source.scale.choices], "scale.toml: choices")
    levels = _labels(reading, data.get("levels", []), "id",
                     [level.id for level in source.scale.levels], "scale.toml: levels")
    insufficient = reading.attempt(read_text, data.get("insufficient", {}), "label", "scale.toml: insufficient")
    return choices, levels, insufficient or ""


def _labels(reading: _Reading, raw: Any, key: str, expected: list[str], where: str) -> dict[str, str]:
    entries = {entry.get(key): entry for entry in raw if isinstance(entry, dict)} \
        if isinstance(raw, list) else {}
    if sorted(entries, key=str) != sorted(expected):
        reading.problems.append(f"{where}: genau {', '.join(expected)} erwartet")
    labels = {}
    for name in expected:
        if name in entries:
            reading.extra(entries[name], {key, "label"}, f"{where} {name}")
            label = reading.attempt(read_text, entries[name], "label", f"{where} {name}")
            if label is not None:
                labels[name] = label
    return labels


def _retired(reading: _Reading, source: Questionnaire) -> dict[str, str]:
    if not source.retired:
        return {}
    data = reading.file(RETIRED_FILE)
    if data is None:
        return {}
    entries = {entry.get("id"): entry for entry in data.get("retired", [])
               if isinstance(entry, dict)}
    texts = {}
    for statement_id in source.retired:
        where = f"{RETIRED_FILE}: {statement_id}"
        if statement_id not in entries:
            reading.problems.append(f"{where}: Text fehlt")
            continue
        reading.extra(entries[statement_id], {"id", "text"}, where)
        text = reading.attempt(read_text, entries[statement_id], "text", where)
        if text is not None:
            texts[statement_id] = text
    reading.problems.extend(f"{RETIRED_FILE}: '{extra}' ist in der Quelle nicht stillgelegt"
                            for extra in entries.keys() - source.retired.keys())
    return texts


def translated(questionnaire: Questionnaire, translation: Translation) -> Questionnaire:
    """``questionnaire`` that also speaks ``translation``'s language."""
    tag = translation.tag
    scale = questionnaire.scale
    scale = replace(
        scale,
        choices=tuple(replace(c, labels=c.labels.adding(tag, translation.choices[c.key]))
                      for c in scale.choices),
        levels=tuple(replace(level, labels=level.labels.adding(tag, translation.levels[level.id]))
                     for level in scale.levels),
        insufficient_labels=scale.insufficient_labels.adding(tag, translation.insufficient))
    fields = tuple(_translated_field(field, translation) for field in questionnaire.fields)
    retired = {key: replace(r, texts=r.texts.adding(tag, translation.retired[key]))
               for key, r in questionnaire.retired.items()}
    return Questionnaire(scale=scale, fields=fields, retired=retired,
                         languages=(*questionnaire.languages, tag))


def _translated_field(field: Field, translation: Translation) -> Field:
    tag = translation.tag
    return replace(
        field, words=field.words.adding(tag, translation.fields[field.id]),
        statements=tuple(replace(s, words=s.words.adding(tag, translation.statements[s.id]))
                         for s in field.statements),
        sources=tuple(replace(source, words=source.words.adding(tag, words))
                      for source, words in zip(field.sources, translation.sources[field.id])))
