"""Paper questionnaires: the sheet code printed on every page, and a sheet's answers typed in.

A person without a device answers on a printed sheet; a coordinator types the
sheet in as one anonymous participant of the perspective ticked on it. The
sheet code names the sheet, never the person: eight characters of Crockford's
base32 (digits and capitals without I, L, O and U, so nothing reads as
another character), seven drawn at random and one check character. Drawn
codes carry no order, so a code says nothing about who was handed which
sheet; 35 random bits keep the sheets of a room (and of every batch printed
for it) apart; the check character catches any single mistyped character, so
a typo is refused instead of stored as another sheet. Each code is taken once
per workshop (the store's unique key decides, also for two entries at once).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import Enum

from bot.domain.questionnaire import Field, Statement

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
RANDOM_LENGTH = 7
CODE_LENGTH = RANDOM_LENGTH + 1
# Crockford's reading of what people write for the letters it leaves out.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_WEIGHTS = tuple(range(1, 2 * RANDOM_LENGTH, 2))  # odd: a changed character always changes the sum
SHEET_COUNTS = (1, 5, 10, 20)  # the sheets a coordinator can have printed at once
SHEETS_PER_FILE = 5  # a file of five sheets of every field takes about 15 s to print
CHOICES = "ABCDE"


def new_code() -> str:
    """A fresh sheet code, as stored and printed: ``K7QM4XZ9`` (printed ``K7QM-4XZ9``)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check(body)


def new_codes(count: int) -> tuple[str, ...]:
    """``count`` different sheet codes for one print."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_code())
    return tuple(sorted(codes))


def _check(body: str) -> str:
    return ALPHABET[sum(w * ALPHABET.index(c) for w, c in zip(_WEIGHTS, body)) % len(ALPHABET)]


def printed(code: str) -> str:
    """The code as a person reads it: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def read_code(typed: str) -> str | None:
    """The sheet code someone typed (any case, spaces or hyphens, O for 0, I or L for 1);
    ``None`` if it is not one: wrong length, a character outside the alphabet, or a
    check character that does not fit."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code if _check(code[:RANDOM_LENGTH]) == code[RANDOM_LENGTH:] else None


class AnswerProblem(Enum):
    """Why a typed line of answers is not a sheet's answers."""

    TOO_FEW = "too_few"
    TOO_MANY = "too_many"
    NOT_A_CHOICE = "not_a_choice"


@dataclass(frozen=True)
class ReadAnswers:
    """A line of letters read against the statements of the sheet: the answers, or why not."""

    answers: tuple[str, ...] = ()
    problem: AnswerProblem | None = None
    count: int = 0        # the letters found
    wrong: str = ""       # the first character that is not A–E


def read_answers(typed: str, statements: int) -> ReadAnswers:
    """One letter A–E per statement, in the sheet's order; spaces, commas and the like
    between groups are ignored, case too."""
    letters = [c for c in typed.upper() if not (c.isspace() or c in ",;.-/|")]
    wrong = next((c for c in letters if c not in CHOICES), "")
    if wrong:
        return ReadAnswers(problem=AnswerProblem.NOT_A_CHOICE, count=len(letters), wrong=wrong)
    if len(letters) != statements:
        problem = AnswerProblem.TOO_FEW if len(letters) < statements else AnswerProblem.TOO_MANY
        return ReadAnswers(problem=problem, count=len(letters))
    return ReadAnswers(answers=tuple(letters), count=len(letters))


def numbered(fields: tuple[Field, ...]) -> tuple[tuple[Field, tuple[tuple[int, Statement], ...]], ...]:
    """Each field with its statements numbered through the sheet, from 1: the order of the
    letters typed in for a sheet."""
    rows, number = [], 0
    for field in fields:
        statements = []
        for statement in field.statements:
            number += 1
            statements.append((number, statement))
        rows.append((field, tuple(statements)))
    return tuple(rows)
