"""The workshop result as spreadsheets: XLSX for Excel, ODS for LibreOffice.

The same released aggregates as the CSV (:mod:`bot.output.workshop_export`),
one sheet per part: the fields per group, the statements per group, the topics
for dialogue, the shared low fields and statements, and the agreed steps.
Headers say what a number is and in which unit, in the words of a council's
office, and every number is a numeric cell a spreadsheet can sum and sort; a
withheld value is an empty cell with a note beside it, never a zero. No text
cell can become a formula (:mod:`bot.output.spreadsheet`).

Libraries: openpyxl writes XLSX (MIT, the usual Python library for it, also
used to read the files back in the tests); odfdo writes ODS (Apache-2.0,
maintained, on lxml), where odfpy has seen no release since 2020.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from odfdo import Document, Element, Style
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.domain.next_steps import Step
from bot.domain.questionnaire import Scale
from bot.domain.workshop import OVERALL, Group, Score, StatementComparison, WorkshopResult
from bot.domain.workshop_reference import REFERENCE
from bot.output.render import Renderer
from bot.output.spreadsheet import safe_text
from bot.output.workshop_export import slug

Cell = str | int | None
_NOT_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")  # no XML 1.0 character


@dataclass(frozen=True)
class Part:
    """One sheet: its name, its header row, its rows, and each column's width in characters."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]


def result_parts(result: WorkshopResult, scale: Scale, renderer: Renderer,
                 labels: Mapping[str, str], steps: Sequence[Step] = ()) -> tuple[Part, ...]:
    """The parts of the workshop's spreadsheet, in the order of its sheets."""
    def text(key: str) -> str:
        return renderer.text(f"workshop.sheets.{key}")

    reference = result.reference
    own = (renderer.text("workshop.reference.csv_group", label=labels[REFERENCE])
           if reference is not None else "")
    counts = (text("raters"), text("answers"), text("unknown"), text("percent"))
    fields = Part(text("fields"), (text("number"), text("field"), text("group"), *counts,
                                   text("assessment")),
                  tuple((row.field.number, row.field.title, label, *_numbers(score),
                         _assessment(score, scale, renderer))
                        for row in result.fields
                        for label, score in _columns(
                            row.overall, row.by_group, labels, own,
                            reference.field(row.field.id) if reference is not None else None)),
                  (6, 40, 28, 16, 14, 18, 16, 30))
    statements = Part(text("statements"), (text("number"), text("statement"), text("group"),
                                           *counts, text("note")),
                      tuple((row.number, row.statement.text, label, *_numbers(score),
                             text("withheld") if score.withheld else "")
                            for row in result.statements
                            for label, score in _columns(
                                row.overall, row.by_group, labels, own,
                                reference.statement(row.statement.id)
                                if reference is not None else None)),
                      (6, 70, 28, 16, 14, 18, 16, 28))
    topics = Part(text("topics"), (text("rank"), text("number"), text("statement"),
                                   text("spread"), text("highest_group"), text("highest"),
                                   text("lowest_group"), text("lowest")),
                  tuple(_topic(rank, row, labels) for rank, row in enumerate(result.dialogue, 1)),
                  (6, 6, 70, 20, 28, 14, 28, 14))
    shared = Part(text("shared"), (text("level"), text("number"), text("title"),
                                   text("shared_highest")),
                  tuple((text("level_field"), row.field.number, row.field.title,
                         row.overall.percent_rounded) for row in result.shared_low_fields)
                  + tuple((text("level_statement"), row.number, row.statement.text,
                           row.overall.percent_rounded) for row in result.shared_low_statements),
                  (16, 6, 70, 24))
    agreed = Part(text("steps"), (text("position"), text("what"), text("who"), text("due")),
                  tuple((step.position, step.what, step.who, step.due) for step in steps),
                  (6, 60, 30, 20))
    return fields, statements, topics, shared, agreed


def _numbers(score: Score) -> tuple[Cell, ...]:
    """As in the CSV: a withheld value prints no counts either, they would give it away."""
    if score.withheld:
        return None, None, None, None
    return score.raters, score.answers, score.unknown, score.percent_rounded


def _assessment(score: Score, scale: Scale, renderer: Renderer) -> str:
    if score.withheld:
        return renderer.text("workshop.sheets.withheld")
    return score.level.label if score.level else scale.insufficient_label


def _topic(rank: int, row: StatementComparison, labels: Mapping[str, str]) -> tuple[Cell, ...]:
    high = max(row.compared, key=lambda pair: pair[1])
    low = min(row.compared, key=lambda pair: pair[1])
    return (rank, row.number, row.statement.text, round(row.spread or 0.0),
            labels[high[0].key], _rounded(high[1]), labels[low[0].key], _rounded(low[1]))


def _rounded(percent: float) -> int:
    return Score(None, None, None, percent, None).percent_rounded or 0


def _columns(overall: Score, by_group: Sequence[tuple[Group, Score]], labels: Mapping[str, str],
             own: str, reference: Score | None) -> list[tuple[str, Score]]:
    """A row's cells as the CSV has them: overall, each shown group, the administration's own
    view last (a reference, counted in no group) where it is placed."""
    cells = [(labels[OVERALL], overall), *((labels[group.key], score) for group, score in by_group)]
    return cells + ([(own, reference)] if reference is not None else [])


def _safe(row: Sequence[Cell]) -> list[Cell]:
    """Text that cannot become a formula, without control characters no XML file may hold
    (a typed step could carry one)."""
    return [safe_text(_NOT_XML.sub("", value)) if isinstance(value, str) else value
            for value in row]


def result_xlsx(parts: Sequence[Part]) -> bytes:
    """The parts as an Excel workbook: a bold, frozen header row with a filter on each sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for part in parts:
        sheet = workbook.create_sheet(part.name)
        sheet.append(_safe(part.header))
        for row in part.rows:
            sheet.append(_safe(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, width in enumerate(part.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def result_ods(parts: Sequence[Part]) -> bytes:
    """The parts as an OpenDocument spreadsheet, each column as wide as in the workbook.

    odfdo writes the package (manifest, styles, metadata); each table's cells go in
    as one piece of markup, parsed once, because odfdo's cell objects cost about a
    third of a millisecond each (three seconds for the whole questionnaire's result).
    """
    document = Document("spreadsheet")
    body = document.body
    body.clear()
    bold = document.insert_style(Style("table-cell", bold=True), automatic=True)
    widths: dict[int, str] = {}
    for part in parts:
        for width in part.widths:
            if width not in widths:
                widths[width] = document.insert_style(
                    Style("table-column", width=f"{width * 0.21:.2f}cm"), automatic=True)
        columns = "".join(f'<table:table-column table:style-name="{widths[width]}"/>'
                          for width in part.widths)
        header = _ods_row(part.header, bold)
        rows = "".join(_ods_row(row) for row in part.rows)
        body.append(Element.from_tag(f"<table:table table:name={quoteattr(part.name)}>"
                                     f"{columns}{header}{rows}</table:table>"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ods_row(values: Sequence[Cell], style: str | None = None) -> str:
    styled = f' table:style-name="{style}"' if style else ""
    cells = []
    for value in _safe(values):
        if value is None:
            cells.append("<table:table-cell/>")
        elif isinstance(value, int):
            cells.append(f'<table:table-cell{styled} office:value-type="float"'
                         f' office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
        else:
            text = escape(value)
            cells.append(f'<table:table-cell{styled} office:value-type="string">'
                         f"<text:p>{text}</text:p></table:table-cell>")
    return f"<table:table-row>{''.join(cells)}</table:table-row>"


SPREADSHEETS = {"xlsx": result_xlsx, "ods": result_ods}


def spreadsheet_filename(municipality: str, kind: str, renderer: Renderer) -> str:
    return renderer.text("workshop.sheets.filename", name=slug(municipality), suffix=kind)
