"""The workshop result as a CSV file, for the coordinators' own documentation.

Only the aggregated numbers go into the file, with the same anonymity rules
as the chat view (a withheld value stays empty). Semicolons and a UTF-8 byte
order mark, because that is what a spreadsheet on a German office computer
opens correctly by double-click.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping

from bot.domain.questionnaire import Scale
from bot.domain.workshop import OVERALL, Group, Score, WorkshopResult
from bot.output.render import Renderer

_COLUMNS = ("level", "number", "title", "group", "raters", "answers", "unknown", "percent",
            "assessment")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                          "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def result_csv(result: WorkshopResult, scale: Scale, renderer: Renderer,
               labels: Mapping[str, str]) -> bytes:
    """One row per field and statement and per group (overall first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([renderer.text(f"workshop.csv.{column}") for column in _COLUMNS])
    overall = Group(OVERALL, result.respondents, ())
    for field in result.fields:
        for group, score in ((overall, field.overall), *field.by_group):
            writer.writerow([renderer.text("workshop.csv.field"), field.field.number,
                             field.field.title, labels[group.key],
                             *_numbers(score), _assessment(score, scale, renderer)])
    for statement in result.statements:
        for group, score in ((overall, statement.overall), *statement.by_group):
            assessment = renderer.text("workshop.csv.withheld") if score.withheld else ""
            writer.writerow([renderer.text("workshop.csv.statement"), statement.number,
                             statement.statement.text, labels[group.key],
                             *_numbers(score), assessment])
    return buffer.getvalue().encode("utf-8-sig")


def csv_filename(municipality: str, renderer: Renderer) -> str:
    return renderer.text("workshop.csv.filename", name=slug(municipality))


def slug(text: str) -> str:
    """An ASCII file-name part: "Frankfurt (Oder)" -> "frankfurt-oder"."""
    folded = unicodedata.normalize("NFKD", text.translate(_UMLAUTS))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-") or "workshop"


def _numbers(score: Score) -> list[object]:
    return [score.raters, score.answers, score.unknown,
            "" if score.percent_rounded is None else score.percent_rounded]


def _assessment(score: Score, scale: Scale, renderer: Renderer) -> str:
    if score.withheld:
        return renderer.text("workshop.csv.withheld")
    return score.level.label if score.level else scale.insufficient_label
