"""The spreadsheet writers: text stays text (markup, formulas, control characters), numbers
stay numbers, an empty cell stays empty."""

from __future__ import annotations

import io

from odfdo import Document
from openpyxl import load_workbook

from bot.output.workshop_sheets import Part, result_ods, result_xlsx

TRICKY = Part("Schritte & <Ziele>", ("Nr.", "Was", "Anteil in %"),
              (("1", "<b>fett</b> & \"zitiert\"", 67),
               ("2", "=1+1", None),
               ("3", "\tTabulator\x01 und \x0bSteuerzeichen", 0),
               ("4", "-5", -5)),
              (6, 40, 12))


def test_the_ods_file_reads_back_as_written_and_never_as_a_formula() -> None:
    table = Document(io.BytesIO(result_ods([TRICKY]))).body.get_table(0)
    assert table.name == "Schritte & <Ziele>"
    rows = [[cell.value for cell in row.traverse()] for row in table.traverse()]
    assert rows[0] == ["Nr.", "Was", "Anteil in %"]
    assert rows[1] == ["1", "<b>fett</b> & \"zitiert\"", 67]
    assert rows[2][:2] == ["2", "'=1+1"] and table.get_cell((1, 2)).formula is None
    assert rows[3] == ["3", "'\tTabulator und Steuerzeichen", 0]
    assert rows[4] == ["4", "'-5", -5] and table.get_cell((2, 4)).type == "float"


def test_the_xlsx_file_reads_back_as_written_and_never_as_a_formula() -> None:
    sheet = load_workbook(io.BytesIO(result_xlsx([TRICKY])))["Schritte & <Ziele>"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["1", "<b>fett</b> & \"zitiert\"", 67]
    assert rows[2] == ["2", "'=1+1", None] and sheet["B3"].data_type == "s"
    assert rows[4] == ["4", "'-5", -5] and sheet["C5"].data_type == "n"
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width == 40
