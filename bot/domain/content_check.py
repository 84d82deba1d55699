"""Completeness and style of the questionnaire content, beyond what loading validates.

Loading guarantees that every file is well-formed; this check says whether the
content is complete enough to be used as an instrument (enough statements per
field, every sub-topic covered, no statement text used twice) and whether it
keeps the mechanically checkable rules of ``questions/STYLE.md``, which live as
data in ``questions/style.toml`` so editors change them without touching code.
The rules marked for it (one term per concept, one voice) also hold for every
text in ``reports/``, so chat, browser and PDF speak as the questionnaire does.

The reading score is Flesch–Amstad, Flesch's formula fitted to German
(180 − words per sentence − 58.5 × syllables per word): higher is easier, about
30–50 is demanding prose, 60 and more is easy. Syllables are counted as vowel
groups, which is close enough for German to compare fields and editions.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.questionnaire import Field, Questionnaire, QuestionnaireError, Statement

MIN_STATEMENTS_PER_FIELD = 10
MAX_STATEMENTS_PER_FIELD = 20
MIN_STATEMENTS_PER_TOPIC = 2
STYLE_FILE = "style.toml"
STATEMENT_ID = re.compile(r"^(?P<field>[a-z]+)-\d{2}$")
REPORT_FILES = ("**/*.j2", "texts.toml")

_ABBREVIATIONS = re.compile(r"\b(?:bzw|z\. ?B|u\. ?a|d\. ?h|ggf|vgl|etc|usw|Nr|Art|Abs|ca)\.")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_WORD = re.compile(r"[\wÄÖÜäöüß*-]*[A-Za-zÄÖÜäöüß][\wÄÖÜäöüß*-]*")
_VOWEL_GROUP = re.compile(r"[aeiouyäöü]+")
_JINJA = re.compile(r"{[{%#].*?[}%#]}", re.DOTALL)
_MARKUP = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class DenyRule:
    pattern: re.Pattern[str]
    use: str
    statement_text_only: bool
    in_reports: bool = False  # also enforced in every text of reports/


@dataclass(frozen=True)
class CouncilRule:
    """A matter one council decides: named beside the other council in one sentence, it is wrong."""

    council: str  # the council that does not decide it, e.g. "Kreistag"
    matters: tuple[str, ...]
    decides: str  # who does, for the message


@dataclass(frozen=True)
class Style:
    limits: dict[str, int]
    deny: tuple[DenyRule, ...]
    conjunction: re.Pattern[str]
    conjunction_reviewed: frozenset[str]
    roles: tuple[str, ...]
    councils: tuple[CouncilRule, ...] = ()
    min_reading_score: float | None = None
    answering: re.Pattern[str] | None = None  # what every answering note must contain


@dataclass(frozen=True)
class FieldCheck:
    field: Field
    topic_counts: dict[str, int]
    with_info: int
    with_unknown_hint: int
    problems: tuple[str, ...]
    reading_score: float = 0.0

    @property
    def complete(self) -> bool:
        return not self.problems


def load_style(directory: Path) -> Style | None:
    """The style rules beside the questionnaire; ``None`` when the directory has none."""
    path = directory / STYLE_FILE
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        deny = tuple(DenyRule(re.compile(rule["pattern"]), rule["use"],
                              rule.get("scope", "all") == "text", bool(rule.get("reports", False)))
                     for rule in data.get("deny", []))
        councils = tuple(CouncilRule(rule["council"], tuple(rule["matters"]), rule["decides"])
                         for rule in data.get("councils", []))
        conjunctions = data["conjunctions"]
        minimum = data.get("reading", {}).get("min_score")
        answering = data.get("answering", {}).get("pattern")
        return Style(limits={k: int(v) for k, v in data.get("limits", {}).items()}, deny=deny,
                     conjunction=re.compile(conjunctions["pattern"]),
                     conjunction_reviewed=frozenset(conjunctions.get("reviewed", [])),
                     roles=tuple(data["roles"]["small_municipality"]), councils=councils,
                     min_reading_score=float(minimum) if minimum is not None else None,
                     answering=re.compile(answering) if answering else None)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as error:
        raise QuestionnaireError(f"{path}: Stilregeln nicht lesbar ({error!r})") from None


def syllables(word: str) -> int:
    """Vowel groups, at least one: „Ein-woh-ner*in-nen“ has five."""
    return max(1, len(_VOWEL_GROUP.findall(word.lower())))


def reading_score(texts: Iterable[str]) -> float:
    """Flesch–Amstad over ``texts``: 180 − words per sentence − 58.5 × syllables per word."""
    sentences = words = syllable_count = 0
    for text in texts:
        text = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", ""), text)
        for sentence in _SENTENCE_END.split(text):
            found = _WORD.findall(sentence)
            if found:
                sentences += 1
                words += len(found)
                syllable_count += sum(syllables(w) for w in found)
    if not words:
        return 0.0
    return 180 - words / sentences - 58.5 * syllable_count / words


def field_texts(field: Field) -> Iterator[str]:
    """Everything a reader of the field reads: intro, assessments, statements with their notes."""
    yield field.intro
    yield from field.assessments.values()
    for statement in field.statements:
        yield from filter(None, (statement.text, statement.info, statement.answering,
                                 statement.suggestion, statement.unknown_hint))


def check_field(field: Field, style: Style | None = None) -> FieldCheck:
    statements = field.statements
    topic_counts = {topic: sum(1 for s in statements if s.topic == topic) for topic in field.topics}
    problems = []
    if len(statements) < MIN_STATEMENTS_PER_FIELD:
        problems.append(f"nur {len(statements)} Aussagen, mindestens {MIN_STATEMENTS_PER_FIELD}")
    if len(statements) > MAX_STATEMENTS_PER_FIELD:
        problems.append(f"{len(statements)} Aussagen, höchstens {MAX_STATEMENTS_PER_FIELD}")
    if not field.sources:
        problems.append("keine Quelle zum Weiterlesen ([[sources]])")
    for topic, count in topic_counts.items():
        if count < MIN_STATEMENTS_PER_TOPIC:
            problems.append(f"Thema „{field.topics[topic]}“ hat nur {count} Aussage(n), "
                            f"mindestens {MIN_STATEMENTS_PER_TOPIC}")
    repeated = [text for text, n in Counter(s.text for s in statements).items() if n > 1]
    problems.extend(f"Aussage doppelt: „{text[:60]}“" for text in repeated)
    score = reading_score(field_texts(field))
    if style is not None:
        problems.extend(_style_problems(field, style))
        if style.min_reading_score is not None and score < style.min_reading_score:
            problems.append(f"Lesbarkeit {score:.0f}, mindestens {style.min_reading_score:.0f}: "
                            f"Sätze kürzen, kürzere Wörter wählen")
    return FieldCheck(field=field, topic_counts=topic_counts,
                      with_info=sum(1 for s in statements if s.info),
                      with_unknown_hint=sum(1 for s in statements if s.unknown_hint),
                      problems=tuple(problems), reading_score=score)


def check_questionnaire(questionnaire: Questionnaire,
                        style: Style | None = None) -> tuple[FieldCheck, ...]:
    return tuple(check_field(field, style) for field in questionnaire.fields)


def check_reports(directory: Path, style: Style | None) -> tuple[str, ...]:
    """The rules marked ``reports = true`` applied to every template and short text in ``directory``."""
    if style is None:
        return ()
    rules = [rule for rule in style.deny if rule.in_reports]
    problems = []
    for pattern in REPORT_FILES:
        for path in sorted(directory.glob(pattern)):
            text = _MARKUP.sub(" ", _JINJA.sub(" ", path.read_text(encoding="utf-8")))
            for rule in rules:
                for found in rule.pattern.finditer(text):
                    problems.append(f"{path.relative_to(directory)}: „{found.group()}“ – "
                                    f"besser: {rule.use}")
    return tuple(problems)


def _style_problems(field: Field, style: Style) -> Iterator[str]:
    field_texts = [("intro", field.intro), *(("Einschätzung " + k, v)
                                             for k, v in field.assessments.items())]
    for where, text in field_texts:
        yield from _denied(text, where, style, statement_text=False)
        yield from _council_problems(text, where, style)
    for statement in field.statements:
        yield from (f"{statement.id}: {problem}" for problem in _statement_problems(
            field, statement, style))


def _statement_problems(field: Field, statement: Statement, style: Style) -> Iterator[str]:
    match = STATEMENT_ID.match(statement.id)
    if match is None or match["field"] != field.id:
        yield f"die id muss „{field.id}-NN“ lauten"
    for key in ("text", "suggestion"):
        value = getattr(statement, key)
        if key in style.limits and len(value) > style.limits[key]:
            yield f"'{key}' ist {len(value)} Zeichen lang, erlaubt sind {style.limits[key]}"
    yield from _denied(statement.text, "Aussage", style, statement_text=True)
    for key in ("info", "suggestion", "unknown_hint"):
        value = getattr(statement, key)
        if value:
            yield from _denied(value, key, style, statement_text=False)
    for key in ("text", "info", "suggestion"):
        yield from _council_problems(getattr(statement, key) or "", key, style)
    if not statement.answering:
        yield "„So antworten Sie“ (answering) fehlt: wie antworten, wenn es nicht passt oder nichts geschah?"
    elif style.answering is not None and not style.answering.search(statement.answering):
        yield "„So antworten Sie“ nennt keine Antwort und sagt nicht, wofür zu antworten ist"
    if (statement.id not in style.conjunction_reviewed
            and (found := style.conjunction.search(statement.text))):
        yield (f"„{found.group()}“ verbindet womöglich zwei Aussagen: umformulieren oder "
               f"nach Prüfung in style.toml unter conjunctions.reviewed eintragen")
    if not statement.unknown_hint:
        yield "Hinweis für „Keine Einschätzung“ fehlt"
    elif not any(role in statement.unknown_hint for role in style.roles):
        yield "der Hinweis für „Keine Einschätzung“ nennt keine Stelle, die auch eine kleine Gemeinde hat"


def _council_problems(text: str, where: str, style: Style) -> Iterator[str]:
    """One text (a suggestion, an info) that names a matter and the council that does not decide it."""
    for rule in style.councils:
        matter = next((m for m in rule.matters if m in text), None)
        if matter and rule.council in text:
            yield f"{where}: „{matter}“ beschließt {rule.decides}, nicht „{rule.council}“"


def _denied(text: str, where: str, style: Style, *, statement_text: bool) -> Iterator[str]:
    for rule in style.deny:
        if rule.statement_text_only and not statement_text:
            continue
        if found := rule.pattern.search(text):
            yield f"{where}: „{found.group()}“ – besser: {rule.use}"
