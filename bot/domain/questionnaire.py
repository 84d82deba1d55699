"""The questionnaire: fields, statements and the answer scale, loaded from TOML.

The files in ``questions/`` are read once at start-up and validated completely,
so a broken file stops the bot with one message that names the file and the
problem instead of failing in the middle of somebody's self-check.

Statement ids are the stable keys under which answers are stored: texts may be
edited freely, but an id must never be reused for a different statement. A
statement whose meaning changes gets a new id; the old one is listed in
``retired.toml`` with its last text, so it is never handed out again and answers
given to it in earlier runs can still be named.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.domain.spoken import SOURCE_LANGUAGE, Spoken
from bot.resources import QUESTIONS_DIR

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,23}$")
LEVEL_IDS = ("established", "advanced", "developing", "starting")
ASSESSMENT_KEYS = (*LEVEL_IDS, "insufficient")
LIMITS = {
    "title": 60,
    "short_title": 20,
    "intro": 700,
    "assessment": 800,
    "text": 300,
    "info": 600,
    "suggestion": 400,
    "unknown_hint": 300,
    "answering": 300,
    "source": 200,
}
RETIRED_FILE = "retired.toml"
PLACEHOLDER_PATTERN = re.compile(r"TODO|FIXME|XXX|Lorem|\.\.\.|\{|\}|<")


class QuestionnaireError(Exception):
    """A questionnaire file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Choice:
    key: str
    labels: Spoken[str]
    points: int | None
    suggest: bool = False

    @property
    def label(self) -> str:
        return self.labels.now()

    @property
    def scored(self) -> bool:
        return self.points is not None


def shown_percent(score: float) -> int:
    """The whole percentage a person reads for ``score`` (0–100), halves rounded up.

    The level word is taken from this same number (:meth:`Scale.level_for`), so a
    value shown as 50 % is never called by the level below 50 % anywhere: not in a
    personal result, a workshop, a chart, a PDF or the projector.
    """
    return math.floor(score + 0.5)


@dataclass(frozen=True)
class Level:
    id: str
    labels: Spoken[str]
    min_score: int

    @property
    def label(self) -> str:
        return self.labels.now()


@dataclass(frozen=True)
class Scale:
    choices: tuple[Choice, ...]
    levels: tuple[Level, ...]
    insufficient_labels: Spoken[str]
    max_unknown_share: float

    @property
    def insufficient_label(self) -> str:
        return self.insufficient_labels.now()

    @property
    def max_points(self) -> int:
        return max(c.points for c in self.choices if c.points is not None)

    def choice(self, key: str) -> Choice:
        for choice in self.choices:
            if choice.key == key:
                return choice
        raise KeyError(key)

    def level_for(self, score: float) -> Level:
        """The level of ``score``, judged by the percentage shown beside it."""
        shown = shown_percent(score)
        for level in self.levels:
            if shown >= level.min_score:
                return level
        return self.levels[-1]


@dataclass(frozen=True)
class StatementWords:
    text: str
    suggestion: str
    info: str | None = None
    unknown_hint: str | None = None
    answering: str | None = None  # how to answer where the practice does not fit or nothing happened


@dataclass(frozen=True)
class Statement:
    id: str
    field_id: str
    words: Spoken[StatementWords]
    topic: str | None = None

    @property
    def text(self) -> str:
        return self.words.now().text

    @property
    def suggestion(self) -> str:
        return self.words.now().suggestion

    @property
    def info(self) -> str | None:
        return self.words.now().info

    @property
    def unknown_hint(self) -> str | None:
        return self.words.now().unknown_hint

    @property
    def answering(self) -> str | None:
        return self.words.now().answering


@dataclass(frozen=True)
class RetiredStatement:
    id: str
    field_id: str
    texts: Spoken[str]
    replaced_by: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.texts.now()


@dataclass(frozen=True)
class SourceWords:
    title: str
    publisher: str


@dataclass(frozen=True)
class Source:
    """A public publication or programme to read on: named, never quoted."""

    words: Spoken[SourceWords]
    year: int

    @property
    def title(self) -> str:
        return self.words.now().title

    @property
    def publisher(self) -> str:
        return self.words.now().publisher


@dataclass(frozen=True)
class FieldWords:
    title: str
    short_title: str
    intro: str
    assessments: Mapping[str, str]
    topics: Mapping[str, str]  # a topic's id → its name


@dataclass(frozen=True)
class Field:
    id: str
    number: int
    words: Spoken[FieldWords]
    statements: tuple[Statement, ...]
    sources: tuple[Source, ...] = ()

    @property
    def title(self) -> str:
        return self.words.now().title

    @property
    def short_title(self) -> str:
        return self.words.now().short_title

    @property
    def intro(self) -> str:
        return self.words.now().intro

    @property
    def assessments(self) -> Mapping[str, str]:
        return self.words.now().assessments

    @property
    def topics(self) -> Mapping[str, str]:
        return self.words.now().topics

    def assessment(self, level_id: str) -> str:
        return self.assessments[level_id]

    def place_of(self, statement: Statement) -> int:
        """The statement's place in this field, counted from 1."""
        return self.statements.index(statement) + 1

    def number_of(self, statement: Statement) -> str:
        """"3.2": the field's number and the statement's place in it, as every view shows it."""
        return f"{self.number}.{self.place_of(statement)}"


@dataclass(frozen=True)
class Questionnaire:
    scale: Scale
    fields: tuple[Field, ...]
    retired: Mapping[str, RetiredStatement] = dataclasses.field(default_factory=dict)
    languages: tuple[str, ...] = (SOURCE_LANGUAGE,)  # the source and its complete translations

    @cached_property
    def _index(self) -> dict[str, tuple[Field, Statement]]:
        return {s.id: (f, s) for f in self.fields for s in f.statements}

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for f in self.fields for s in f.statements)

    def statement(self, statement_id: str) -> Statement | None:
        entry = self._index.get(statement_id)
        return entry[1] if entry else None

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def field_of(self, statement_id: str) -> Field:
        return self._index[statement_id][0]

    def select(self, field_ids: Iterable[str] | None) -> tuple[Field, ...]:
        """The fields of a run, in questionnaire order; ``None`` means all."""
        if field_ids is None:
            return self.fields
        wanted = set(field_ids)
        return tuple(f for f in self.fields if f.id in wanted)


def load_questionnaire(directory: Path = QUESTIONS_DIR,
                       languages: Iterable[str] | None = None) -> Questionnaire:
    """The source in ``directory`` with each complete translation in ``directory/languages``.

    ``languages`` limits the translations read; an incomplete one is left out (what
    it lacks: :func:`bot.domain.translations.translation_problems`).
    """
    from bot.domain.translations import with_translations  # translations build on this module
    return with_translations(load_source(directory), directory, languages)


def field_paths(directory: Path) -> list[Path]:
    """The field files (``NN_name.toml``) of the source, in their order."""
    return sorted(directory.glob("[0-9][0-9]_*.toml"))


def load_source(directory: Path = QUESTIONS_DIR) -> Questionnaire:
    """Read ``scale.toml`` and every ``NN_*.toml`` field file from ``directory``: the German source."""
    scale = _parse_scale(read_toml(directory / "scale.toml"), "scale.toml")
    paths = field_paths(directory)
    if not paths:
        raise QuestionnaireError(f"{directory}: keine Handlungsfeld-Dateien (NN_name.toml) gefunden")
    fields = tuple(_parse_field(read_toml(p), p.name) for p in paths)
    _check_across_fields(fields, paths)
    retired_path = directory / RETIRED_FILE
    retired = (_parse_retired(read_toml(retired_path), fields) if retired_path.exists() else {})
    return Questionnaire(scale=scale, fields=fields, retired=retired)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise QuestionnaireError(f"{path}: Datei fehlt") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{path}: kein gültiges TOML ({error})") from None


def read_text(data: Mapping[str, Any], key: str, where: str, *, limit: str | None = None,
          required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise QuestionnaireError(f"{where}: '{key}' fehlt")
        return None
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(f"{where}: '{key}' muss ein nicht leerer Text sein")
    value = " ".join(value.split())
    maximum = LIMITS[limit or key] if (limit or key) in LIMITS else None
    if maximum is not None and len(value) > maximum:
        raise QuestionnaireError(
            f"{where}: '{key}' ist {len(value)} Zeichen lang, erlaubt sind {maximum}")
    if PLACEHOLDER_PATTERN.search(value):
        raise QuestionnaireError(f"{where}: '{key}' enthält einen Platzhalter oder Markup")
    return value


def _parse_scale(data: Mapping[str, Any], name: str) -> Scale:
    choices = []
    for i, raw in enumerate(data.get("choices", [])):
        where = f"{name}: choices[{i}]"
        points = raw.get("points")
        if points is not None and (not isinstance(points, int) or points < 0):
            raise QuestionnaireError(f"{where}: 'points' muss eine ganze Zahl ≥ 0 sein")
        choices.append(Choice(key=str(raw.get("key", "")),
                              labels=Spoken(read_text(raw, "label", where) or ""),
                              points=points, suggest=bool(raw.get("suggest", False))))
    if [c.key for c in choices] != ["A", "B", "C", "D", "E"]:
        raise QuestionnaireError(f"{name}: die Antworten müssen genau A, B, C, D, E sein")
    if not any(c.scored for c in choices) or all(c.scored for c in choices):
        raise QuestionnaireError(f"{name}: mindestens eine Antwort braucht Punkte, E keine")
    levels = []
    for i, raw in enumerate(data.get("levels", [])):
        where = f"{name}: levels[{i}]"
        minimum = raw.get("min_score")
        if not isinstance(minimum, int) or not 0 <= minimum <= 100:
            raise QuestionnaireError(f"{where}: 'min_score' muss zwischen 0 und 100 liegen")
        levels.append(Level(id=str(raw.get("id")), labels=Spoken(read_text(raw, "label", where) or ""),
                            min_score=minimum))
    if tuple(level.id for level in levels) != LEVEL_IDS:
        raise QuestionnaireError(f"{name}: die Stufen müssen {', '.join(LEVEL_IDS)} heißen")
    minimums = [level.min_score for level in levels]
    if minimums != sorted(minimums, reverse=True) or minimums[-1] != 0:
        raise QuestionnaireError(f"{name}: Stufen absteigend ordnen, die letzte mit min_score 0")
    insufficient = data.get("insufficient", {})
    share = insufficient.get("max_unknown_share")
    if not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise QuestionnaireError(f"{name}: 'insufficient.max_unknown_share' muss in (0, 1] liegen")
    return Scale(choices=tuple(choices), levels=tuple(levels),
                 insufficient_labels=Spoken(
                     read_text(insufficient, "label", f"{name}: insufficient") or ""),
                 max_unknown_share=float(share))


def _parse_field(data: Mapping[str, Any], name: str) -> Field:
    field_id = data.get("id")
    if not isinstance(field_id, str) or not ID_PATTERN.match(field_id):
        raise QuestionnaireError(f"{name}: 'id' fehlt oder ist ungültig (a-z, 0-9, _ und -)")
    number = data.get("number")
    if not isinstance(number, int) or not name.startswith(f"{number:02d}_"):
        raise QuestionnaireError(f"{name}: 'number' muss zur Nummer im Dateinamen passen")
    words = field_words(data, name)
    raw_statements = data.get("statements")
    if not isinstance(raw_statements, list) or not raw_statements:
        raise QuestionnaireError(f"{name}: keine Aussagen ([[statements]]) gefunden")
    statements = tuple(_parse_statement(raw, field_id, words.topics, f"{name}: statements[{i}]")
                       for i, raw in enumerate(raw_statements))
    sources = tuple(_parse_source(raw, f"{name}: sources[{i}]")
                    for i, raw in enumerate(data.get("sources", [])))
    return Field(id=field_id, number=number, words=Spoken(words), statements=statements,
                 sources=sources)


def field_words(data: Mapping[str, Any], name: str) -> FieldWords:
    """A field's own texts, in the source or in a translation."""
    assessments_raw = data.get("assessments")
    if not isinstance(assessments_raw, dict):
        raise QuestionnaireError(f"{name}: Abschnitt [assessments] fehlt")
    assessments = {key: read_text(assessments_raw, key, f"{name}: [assessments]",
                                  limit="assessment") or ""
                   for key in ASSESSMENT_KEYS}
    topics_raw = data.get("topics", {})
    topics = {key: read_text(topics_raw, key, f"{name}: [topics]", limit="title") or ""
              for key in topics_raw}
    return FieldWords(title=read_text(data, "title", name) or "",
                      short_title=read_text(data, "short_title", name) or "",
                      intro=read_text(data, "intro", name) or "", assessments=assessments,
                      topics=topics)


def _parse_source(raw: Any, where: str) -> Source:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: eine Quelle braucht title, publisher und year")
    year = raw.get("year")
    if not isinstance(year, int) or not 1949 <= year <= 2100:
        raise QuestionnaireError(f"{where}: 'year' muss eine Jahreszahl sein")
    return Source(words=Spoken(source_words(raw, where)), year=year)


def source_words(raw: Mapping[str, Any], where: str) -> SourceWords:
    return SourceWords(title=read_text(raw, "title", where, limit="source") or "",
                       publisher=read_text(raw, "publisher", where, limit="source") or "")


def _parse_statement(raw: Mapping[str, Any], field_id: str, topics: Mapping[str, str],
                     where: str) -> Statement:
    statement_id = raw.get("id")
    if not isinstance(statement_id, str) or not ID_PATTERN.match(statement_id):
        raise QuestionnaireError(f"{where}: 'id' fehlt oder ist ungültig (höchstens 24 Zeichen a-z, 0-9, _ und -)")
    where = f"{where} ({statement_id})"
    topic = raw.get("topic")
    if topics and topic not in topics:
        raise QuestionnaireError(f"{where}: 'topic' muss einer von {', '.join(topics)} sein")
    if not topics and topic is not None:
        raise QuestionnaireError(f"{where}: 'topic' ohne Abschnitt [topics] im Handlungsfeld")
    return Statement(id=statement_id, field_id=field_id, words=Spoken(statement_words(raw, where)),
                     topic=topic)


def statement_words(raw: Mapping[str, Any], where: str) -> StatementWords:
    return StatementWords(text=read_text(raw, "text", where) or "",
                          suggestion=read_text(raw, "suggestion", where) or "",
                          info=read_text(raw, "info", where, required=False),
                          unknown_hint=read_text(raw, "unknown_hint", where, required=False),
                          answering=read_text(raw, "answering", where, required=False))


def _check_across_fields(fields: tuple[Field, ...], paths: list[Path]) -> None:
    numbers = [f.number for f in fields]
    if numbers != list(range(1, len(fields) + 1)):
        raise QuestionnaireError(
            f"{paths[0].parent}: die Handlungsfelder müssen lückenlos ab 01 nummeriert sein")
    seen_fields: set[str] = set()
    seen: dict[str, str] = {}
    for field, path in zip(fields, paths):
        if field.id in seen_fields:
            raise QuestionnaireError(f"{path.name}: Handlungsfeld-id '{field.id}' kommt doppelt vor")
        seen_fields.add(field.id)
        for statement in field.statements:
            if statement.id in seen:
                raise QuestionnaireError(
                    f"{path.name}: Aussage-id '{statement.id}' gibt es schon in {seen[statement.id]}")
            seen[statement.id] = path.name


def _parse_retired(data: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, RetiredStatement]:
    """Retired ids stay reserved: none may come back as a current statement."""
    current = {s.id for f in fields for s in f.statements}
    retired: dict[str, RetiredStatement] = {}
    for i, raw in enumerate(data.get("retired", [])):
        statement_id = raw.get("id")
        where = f"{RETIRED_FILE}: retired[{i}]"
        if not isinstance(statement_id, str) or not ID_PATTERN.match(statement_id):
            raise QuestionnaireError(f"{where}: 'id' fehlt oder ist ungültig")
        where = f"{where} ({statement_id})"
        if statement_id in retired:
            raise QuestionnaireError(f"{where}: die id ist schon einmal stillgelegt")
        if statement_id in current:
            raise QuestionnaireError(
                f"{where}: die id ist stillgelegt und darf nicht wieder vergeben werden")
        replaced_by = raw.get("replaced_by", [])
        if not isinstance(replaced_by, list) or any(r not in current for r in replaced_by):
            raise QuestionnaireError(f"{where}: 'replaced_by' nennt eine Aussage, die es nicht gibt")
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise QuestionnaireError(f"{where}: 'text' fehlt")
        retired[statement_id] = RetiredStatement(
            id=statement_id, field_id=str(raw.get("field", "")), texts=Spoken(" ".join(text.split())),
            replaced_by=tuple(replaced_by))
    return retired
