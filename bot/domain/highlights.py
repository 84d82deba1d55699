"""What the short chat result picks from a field: its first sentence and its most useful suggestions.

The chat shows one compact block per field so that the whole result fits on
a phone in one or two messages; the full texts stay one tap away and in the
PDF. Picking is deterministic, so the same answers always show the same
block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.domain.questionnaire import Scale, Statement
from bot.domain.scoring import FieldResult

# Abbreviations the questionnaire's German uses mid-sentence ("Rat bzw. Kreistag"):
# a full stop after one of them does not end the sentence.
_ABBREVIATIONS = ("bzw", "z. B", "u. a", "d. h", "ggf", "evtl", "ca", "usw", "etc", "Nr", "vgl")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÄÖÜ„])")


def first_sentence(text: str) -> str:
    """The text up to its first full stop, question or exclamation mark that ends a sentence."""
    for end in _SENTENCE_END.finditer(text):
        before = text[:end.start()]
        if not before.endswith(_ABBREVIATIONS):
            return text[:end.end()]
    return text


def most_useful(result: FieldResult, answers: Mapping[str, str], scale: Scale,
                count: int = 2) -> tuple[Statement, ...]:
    """The suggestions to start with: the largest gaps ("Trifft nicht zu") first, then in field order."""
    def gap(statement: Statement) -> int:
        points = scale.choice(answers[statement.id]).points
        return points if points is not None else scale.max_points

    return tuple(sorted(result.suggestions, key=gap)[:count])
