"""Cells for files a spreadsheet opens: text never becomes a formula.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
some also after a tab or a carriage return) as a formula: an agreed step typed as
``=HYPERLINK("https://…")`` would turn into a live link, and worse, on the
coordinator's office computer. Every export to such a file passes each row
through :func:`safe_row` (or each text through :func:`safe_text`): a text cell
starting with one of these characters gets a leading apostrophe. Opening a CSV,
a spreadsheet takes the apostrophe as "this is text" and hides it; in an XLSX
or ODS file the cell is a text cell anyway and shows the apostrophe, which
keeps the text inert even after the file is saved as CSV again. Numbers are
written as numbers, negative ones included.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet reads it as written: text that would start a formula is
    prefixed with an apostrophe; anything but text is left as it is."""
    return safe_text(value) if isinstance(value, str) else value


def safe_text(text: str) -> str:
    """Text that cannot start a formula, in any export (CSV, XLSX, ODS)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]
