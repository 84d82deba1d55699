"""A municipality's name as people type it: one rule for the report and for workshops.

Names arrive as free text, pasted from anywhere. Invisible characters come
along: bidirectional controls can make a name display differently from what it
is (U+202E turns "Bonn.pdf" around), zero-width characters make two equal-looking
names differ. They are removed, whitespace is folded, and a name needs a letter
("123" or "!!" is no municipality) and at most :data:`NAME_MAX_LENGTH` characters.
"""

from __future__ import annotations

import enum
import re
import unicodedata

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 80
SLUG_MAX_LENGTH = 60  # a file name stays readable and far below every file system's limit

# Bidirectional controls (embeddings, overrides, isolates, marks) and zero-width characters.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                        "\u200b-\u200d\u2060\ufeff]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                          "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
# Emoji and their modifiers: pictographs from U+1F000 on (flags, faces, buildings,
# skin tones), variation selectors, the keycap and tag characters.
_EMOJI = re.compile("[\U0001f000-\U0001faff\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f]")


def municipality_name(text: str) -> str | None:
    """The name from a message, cleaned, or ``None`` if it cannot be a municipality's name."""
    name = " ".join(_INVISIBLE.sub("", text).split())
    if not NAME_MIN_LENGTH <= len(name) <= NAME_MAX_LENGTH or name.startswith("/"):
        return None
    if not any(c.isalpha() for c in name):
        return None
    return name


class NameDoubt(enum.Enum):
    """Why a typed text may not be the name that was asked for."""

    QUESTION = "question"  # "Wie lange dauert das noch?": never a name
    UNSURE = "unsure"  # reads like a sentence: ask before taking it


# Words a German sentence or question starts with, but no municipality's name.
_SENTENCE_STARTS = frozenset((
    "wie", "was", "wann", "warum", "wieso", "weshalb", "wo", "woher", "wohin", "wer", "wen",
    "wem", "welche", "welcher", "welches", "kann", "können", "könnte", "muss", "müssen", "soll",
    "sollen", "darf", "gibt", "ist", "sind", "habe", "haben", "hat", "ich", "wir", "bitte",
    "danke", "ja", "nein", "ok", "okay", "hallo", "und", "aber", "nicht", "keine", "kein"))
_NAME_WORDS_MAX = 6  # "Verbandsgemeinde Bad Ems-Nassau" has four


def name_doubt(name: str) -> NameDoubt | None:
    """Whether a cleaned name (see :func:`municipality_name`) reads like a question or a sentence."""
    if "?" in name:
        return NameDoubt.QUESTION
    words = name.split()
    first = words[0].strip(",.!:;").lower()
    if first in _SENTENCE_STARTS or len(words) > _NAME_WORDS_MAX or name.endswith(("!", ".", ":")):
        return NameDoubt.UNSURE
    return None


def printable(name: str) -> str:
    """The name without emoji, for the PDF reports.

    The reports' font (DejaVu Sans) has no emoji; WeasyPrint would print each
    as an empty box on the title page. A colour-emoji font would add about
    10 MB to the image for a rare decoration, so the report leaves them out;
    the chat, where they display, keeps the name as typed.
    """
    return " ".join(_EMOJI.sub("", name).split()) or name


def file_slug(text: str) -> str:
    """An ASCII file-name part: "Frankfurt (Oder)" -> "Frankfurt-Oder"; "" if nothing is left."""
    folded = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text).translate(_UMLAUTS))
    ascii_only = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-")
    return slug[:SLUG_MAX_LENGTH].rstrip("-")
