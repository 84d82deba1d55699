"""Completeness and style of the questionnaire content, beyond what loading validates.

Loading guarantees that every file is well-formed; this check says whether the
content is complete enough to be used as an instrument (enough statements per
field, every sub-topic covered, no statement text used twice) and whether it
keeps the mechanically checkable rules of ``questions/STYLE.md``, which live as
data in ``questions/style.toml`` so editors change them without touching code.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.questionnaire import Field, Questionnaire, QuestionnaireError, Statement

MIN_STATEMENTS_PER_FIELD = 10
MIN_STATEMENTS_PER_TOPIC = 2
STYLE_FILE = "style.toml"
STATEMENT_ID = re.compile(r"^(?P<field>[a-z]+)-\d{2}$")


@dataclass(frozen=True)
class DenyRule:
    pattern: re.Pattern[str]
    use: str
    statement_text_only: bool


@dataclass(frozen=True)
class Style:
    limits: dict[str, int]
    deny: tuple[DenyRule, ...]
    conjunction: re.Pattern[str]
    conjunction_reviewed: frozenset[str]
    roles: tuple[str, ...]


@dataclass(frozen=True)
class FieldCheck:
    field: Field
    topic_counts: dict[str, int]
    with_info: int
    with_unknown_hint: int
    problems: tuple[str, ...]

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
                              rule.get("scope", "all") == "text") for rule in data.get("deny", []))
        conjunctions = data["conjunctions"]
        return Style(limits={k: int(v) for k, v in data.get("limits", {}).items()}, deny=deny,
                     conjunction=re.compile(conjunctions["pattern"]),
                     conjunction_reviewed=frozenset(conjunctions.get("reviewed", [])),
                     roles=tuple(data["roles"]["small_municipality"]))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as error:
        raise QuestionnaireError(f"{path}: Stilregeln nicht lesbar ({error!r})") from None


def check_field(field: Field, style: Style | None = None) -> FieldCheck:
    statements = field.statements
    topic_counts = {topic: sum(1 for s in statements if s.topic == topic) for topic in field.topics}
    problems = []
    if len(statements) < MIN_STATEMENTS_PER_FIELD:
        problems.append(f"nur {len(statements)} Aussagen, mindestens {MIN_STATEMENTS_PER_FIELD}")
    for topic, count in topic_counts.items():
        if count < MIN_STATEMENTS_PER_TOPIC:
            problems.append(f"Thema „{field.topics[topic]}“ hat nur {count} Aussage(n), "
                            f"mindestens {MIN_STATEMENTS_PER_TOPIC}")
    repeated = [text for text, n in Counter(s.text for s in statements).items() if n > 1]
    problems.extend(f"Aussage doppelt: „{text[:60]}“" for text in repeated)
    if style is not None:
        problems.extend(_style_problems(field, style))
    return FieldCheck(field=field, topic_counts=topic_counts,
                      with_info=sum(1 for s in statements if s.info),
                      with_unknown_hint=sum(1 for s in statements if s.unknown_hint),
                      problems=tuple(problems))


def check_questionnaire(questionnaire: Questionnaire,
                        style: Style | None = None) -> tuple[FieldCheck, ...]:
    return tuple(check_field(field, style) for field in questionnaire.fields)


def _style_problems(field: Field, style: Style) -> Iterator[str]:
    field_texts = [("intro", field.intro), *(("Einschätzung " + k, v)
                                             for k, v in field.assessments.items())]
    for where, text in field_texts:
        yield from _denied(text, where, style, statement_text=False)
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
    if (statement.id not in style.conjunction_reviewed
            and (found := style.conjunction.search(statement.text))):
        yield (f"„{found.group()}“ verbindet womöglich zwei Aussagen: umformulieren oder "
               f"nach Prüfung in style.toml unter conjunctions.reviewed eintragen")
    if not statement.unknown_hint:
        yield "Hinweis für „Keine Einschätzung“ fehlt"
    elif not any(role in statement.unknown_hint for role in style.roles):
        yield "der Hinweis für „Keine Einschätzung“ nennt keine Stelle, die auch eine kleine Gemeinde hat"


def _denied(text: str, where: str, style: Style, *, statement_text: bool) -> Iterator[str]:
    for rule in style.deny:
        if rule.statement_text_only and not statement_text:
            continue
        if found := rule.pattern.search(text):
            yield f"{where}: „{found.group()}“ – besser: {rule.use}"
