"""No text an export writes can start a formula in the spreadsheet that opens it."""

from __future__ import annotations

import pytest

from bot.output.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize(("text", "written"), [
    ('=HYPERLINK("https://example.org";"Klick")', '\'=HYPERLINK("https://example.org";"Klick")'),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("+1", "'+1"),
    ("-1+1", "'-1+1"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Infoblätter übersetzen", "Infoblätter übersetzen"),
    ("bis 1.6.2027 = Ratssitzung", "bis 1.6.2027 = Ratssitzung"),  # only the start counts
    ("", ""),
])
def test_text_that_would_start_a_formula_is_written_as_text(text: str, written: str) -> None:
    assert safe_cell(text) == written


def test_numbers_stay_numbers_negative_ones_included() -> None:
    assert safe_row([-1, -2.5, 0, 52, None, "-1"]) == [-1, -2.5, 0, 52, None, "'-1"]
