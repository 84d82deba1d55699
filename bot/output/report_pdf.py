"""The printable reports: an HTML template from ``reports/`` turned into a PDF.

A person's own report lives here; the workshop's report (bot/output/workshop_report.py)
is made the same way, with :func:`print_pdf` and :func:`png_data_uri`.

People forward the report to colleagues and print it for the workshop, so it is
a PDF laid out for A4 paper. It is written as a Jinja2 HTML template like every
other text (autoescaped: a municipality's name cannot break it) and laid out by
WeasyPrint, which needs the system's Pango library. The chart is embedded as a
PNG data URI, so the HTML needs no files beside it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from types import ModuleType

from bot.domain.comparison import FieldChange
from bot.domain.entities import Run
from bot.domain.questionnaire import Scale
from bot.domain.scoring import FieldResult
from bot.output.chart import PRINT_DPI, ProfileChart
from bot.output.chart import draw as draw_chart
from bot.output.render import Renderer
from bot.resources import REPORTS_DIR


class ReportSetupError(Exception):
    """WeasyPrint cannot run here (usually Pango is not installed)."""


@dataclass(frozen=True)
class ReportContent:
    """Everything the report shows; dates are already written the German way."""

    municipality: str | None
    run: Run
    results: tuple[FieldResult, ...]
    shown: Set[str]  # ids of the fields with an assessment (a running check: completed ones)
    scale: Scale
    changes: Mapping[str, str]  # field id -> change against the person's previous run, in words
    comparisons: Mapping[str, FieldChange]  # the same as numbers, for the overview table
    answers: Mapping[str, str]
    chart: ProfileChart  # drawn where the report is printed: one job, one turn
    created: str
    finished: str | None
    previous: str | None
    steps: tuple[tuple[str, str, str], ...] = ()  # the chosen next steps: number, statement, suggestion
    # per field id: answers to statements retired since (kept text, answer), not counted
    retired: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def _weasyprint() -> ModuleType:
    try:
        import weasyprint
    except OSError as error:  # the Python package is there, the Pango library is not
        raise ReportSetupError(
            f"PDF-Berichte brauchen die Systembibliothek Pango (Debian: libpango-1.0-0 "
            f"libpangoft2-1.0-0): {error}") from None
    module: ModuleType = weasyprint
    return module


def check_available() -> None:
    """Fail at start-up, not at the first /bericht, when PDFs cannot be made here."""
    _weasyprint()


def png_data_uri(png: bytes) -> str:
    """An image for an ``<img src>``, so the HTML needs no files beside it."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# Tagged for assistive technology (BITV 2.0 asks it of a public body's documents): the
# structure tree gives the reading order, with the language and title of the HTML.
PDF_VARIANT = "pdf/ua-1"


def print_pdf(renderer: Renderer, template: str, **context: object) -> bytes:
    """A report template from ``reports/`` as PDF bytes (CPU-bound: call it off the event loop)."""
    html = _weasyprint().HTML(string=renderer.html(template, **context),
                              base_url=str(REPORTS_DIR))
    pdf: bytes = html.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def print_report(renderer: Renderer, content: ReportContent) -> bytes:
    """The person's report as PDF bytes (CPU-bound: call it off the event loop).

    Its chart is drawn here too, in the printing process: the report is one
    job waiting for one turn (:mod:`bot.output.fair_queue`), and a flood of
    reports leaves the drawing process free for everybody's results.
    """
    return print_pdf(renderer, "report.html.j2", report=content,
                     chart=png_data_uri(draw_chart(content.chart, "png", PRINT_DPI)))
