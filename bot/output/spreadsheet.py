"""Cells for files a spreadsheet opens: text never becomes a formula.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
some also after a tab or a carriage return) as a formula: an agreed step typed as
``=HYPERLINK("https://…")`` would turn into a live link, and worse, on the
coordinator's office computer. Every export to such a file passes each row
through :func:`safe_row`: a text cell starting with one of these characters gets
a leading apostrophe, which spreadsheets show as plain text. Numbers are written
as numbers, negative ones included.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet reads it as written: text that would start a formula is
    prefixed with an apostrophe; anything but text is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]
