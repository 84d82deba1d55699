"""The workshop result as a CSV file, for the coordinators' own documentation.

Only the released aggregates go into the file, with the same anonymity rules
as the chat view (a withheld cell stays empty, its counts included). Semicolons and a UTF-8 byte
order mark, because that is what a spreadsheet on a German office computer
opens correctly by double-click. No text cell can become a formula
(:mod:`bot.output.spreadsheet`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from bot.domain.names import file_slug
from bot.domain.next_steps import Step
from bot.domain.questionnaire import Scale, shown_percent
from bot.domain.workshop import OVERALL, Group, Score, WorkshopResult
from bot.domain.workshop_reference import REFERENCE, reference_topics
from bot.output.render import Renderer
from bot.output.spreadsheet import safe_row


class _Writer(Protocol):
    def writerow(self, row: Iterable[object], /) -> object: ...


_COLUMNS = ("level", "number", "title", "group", "raters", "answers", "unknown", "percent",
            "assessment")


def result_csv(result: WorkshopResult, scale: Scale, renderer: Renderer,
               labels: Mapping[str, str], steps: Sequence[Step] = ()) -> bytes:
    """One row per field and statement and per group (overall first, the administration's
    own view last, marked as a reference); then, each after an empty line and a header of
    its own, the shared low fields and statements, where the administration's view and the
    room's part, and the agreed next steps."""
    buffer = io.StringIO()
    writer = _SafeWriter(csv.writer(buffer, delimiter=";"))
    writer.writerow([renderer.text(f"workshop.csv.{column}") for column in _COLUMNS])
    overall = Group(OVERALL, result.respondents, ())
    reference = result.reference
    own = (renderer.text("workshop.reference.csv_group", label=labels[REFERENCE])
           if reference is not None else "")
    for field in result.fields:
        for group, score in ((overall, field.overall), *field.by_group):
            writer.writerow([renderer.text("workshop.csv.field"), field.field.number,
                             field.field.title, labels[group.key],
                             *_numbers(score), _assessment(score, scale, renderer)])
        if reference is not None and (mine := reference.field(field.field.id)) is not None:
            writer.writerow([renderer.text("workshop.csv.field"), field.field.number,
                             field.field.title, own, *_numbers(mine),
                             _assessment(mine, scale, renderer)])
    for statement in result.statements:
        for group, score in ((overall, statement.overall), *statement.by_group):
            assessment = renderer.text("workshop.csv.withheld") if score.withheld else ""
            writer.writerow([renderer.text("workshop.csv.statement"), statement.number,
                             statement.statement.text, labels[group.key],
                             *_numbers(score), assessment])
        if reference is not None and (
                mine := reference.statement(statement.statement.id)) is not None:
            writer.writerow([renderer.text("workshop.csv.statement"), statement.number,
                             statement.statement.text, own, *_numbers(mine), ""])
    _shared(writer, result, renderer)
    _reference_topics(writer, result, renderer)
    if steps:
        writer.writerow([])
        writer.writerow([renderer.text(f"workshop.csv.{column}")
                         for column in ("steps", "position", "what", "who", "due")])
        for step in steps:
            writer.writerow([renderer.text("workshop.csv.step"), step.position, step.what,
                             step.who, step.due])
    return buffer.getvalue().encode("utf-8-sig")


def _shared(writer: _SafeWriter, result: WorkshopResult, renderer: Renderer) -> None:
    """The fields and statements every shown group rated low: candidates for agreed steps."""
    fields, statements = result.shared_low_fields, result.shared_low_statements
    if not fields and not statements:
        return
    text = renderer.text
    writer.writerow([])
    writer.writerow([text(f"workshop.csv.{column}") for column in
                     ("shared", "shared_kind", "number", "shared_title", "room_value")])
    for field in fields:
        writer.writerow([text("workshop.csv.shared_row"), text("workshop.csv.field"),
                         field.field.number, field.field.title, field.overall.percent_rounded])
    for statement in statements:
        writer.writerow([text("workshop.csv.shared_row"), text("workshop.csv.statement"),
                         statement.number, statement.statement.text,
                         statement.overall.percent_rounded])


def _reference_topics(writer: _SafeWriter, result: WorkshopResult, renderer: Renderer) -> None:
    """Where the administration's own view and the room's overall value part by a step."""
    topics = reference_topics(result)
    if not topics:
        return
    text = renderer.text
    writer.writerow([])
    writer.writerow([text(f"workshop.csv.{column}") for column in
                     ("reference_topics", "number", "statement", "reference_value",
                      "room_value", "gap")])
    for topic in topics:
        writer.writerow([text("workshop.csv.reference_row"), topic.row.number,
                         topic.row.statement.text, shown_percent(topic.reference),
                         shown_percent(topic.room),
                         shown_percent(topic.reference) - shown_percent(topic.room)])


class _SafeWriter:
    """A CSV writer whose every row goes through :func:`~bot.output.spreadsheet.safe_row`."""

    def __init__(self, writer: _Writer) -> None:
        self._writer = writer

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(safe_row(values))


def csv_filename(municipality: str, renderer: Renderer) -> str:
    return renderer.text("workshop.csv.filename", name=slug(municipality))


def slug(text: str) -> str:
    """The workshop's file-name part (see :func:`bot.domain.names.file_slug`)."""
    return file_slug(text) or "workshop"


def _numbers(score: Score) -> list[object]:
    """A withheld cell prints no counts either: they would give it away."""
    if score.withheld:
        return ["", "", "", ""]
    return [score.raters, score.answers, score.unknown,
            "" if score.percent_rounded is None else score.percent_rounded]


def _assessment(score: Score, scale: Scale, renderer: Renderer) -> str:
    if score.withheld:
        return renderer.text("workshop.csv.withheld")
    return score.level.label if score.level else scale.insufficient_label
