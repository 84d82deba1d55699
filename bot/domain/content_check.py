"""Completeness of the questionnaire content, beyond what loading validates.

Loading guarantees that every file is well-formed; this check says whether the
content is complete enough to be used as an instrument: enough statements per
field, every sub-topic covered, no statement text used twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.domain.questionnaire import Field, Questionnaire

MIN_STATEMENTS_PER_FIELD = 10
MIN_STATEMENTS_PER_TOPIC = 2


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


def check_field(field: Field) -> FieldCheck:
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
    return FieldCheck(field=field, topic_counts=topic_counts,
                      with_info=sum(1 for s in statements if s.info),
                      with_unknown_hint=sum(1 for s in statements if s.unknown_hint),
                      problems=tuple(problems))


def check_questionnaire(questionnaire: Questionnaire) -> tuple[FieldCheck, ...]:
    return tuple(check_field(field) for field in questionnaire.fields)
