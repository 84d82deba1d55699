"""The paper questionnaire: one sheet per person, for those who answer without a device.

Printed on A4 in large type (14 pt and more), with the answer scale as boxes
to tick and the sheet's code at the top of every page, so a page that comes
loose still belongs to its sheet. Each sheet starts on a right-hand page: printed
on both sides, no paper carries two people's answers. The statements are
numbered through the sheet in the order the coordinator types them in (see
:mod:`bot.domain.paper`). Tagged like every PDF of the project
(:data:`bot.output.report_pdf.PDF_VARIANT`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.paper import numbered, printed
from bot.domain.questionnaire import Field, Scale, Statement
from bot.output.render import Renderer
from bot.output.report_pdf import print_pdf
from bot.output.workshop_export import slug


@dataclass(frozen=True)
class PaperQuestionnaire:
    municipality: str
    fields: tuple[Field, ...]
    scale: Scale
    perspectives: tuple[tuple[str, str], ...]  # (id, label) in the order they are offered
    codes: tuple[str, ...]  # one sheet each, as stored (printed with a hyphen)

    @property
    def printed_codes(self) -> tuple[str, ...]:
        return tuple(printed(code) for code in self.codes)

    @property
    def numbered(self) -> tuple[tuple[Field, tuple[tuple[int, Statement], ...]], ...]:
        return numbered(self.fields)


def print_paper(renderer: Renderer, questionnaire: PaperQuestionnaire) -> bytes:
    """The sheets as PDF bytes (CPU-bound: call it off the event loop)."""
    return print_pdf(renderer, "paper_sheets.html.j2", paper=questionnaire)


def paper_filename(municipality: str, renderer: Renderer, number: int | None = None) -> str:
    """papierboegen-Musterstadt.pdf, or …-2.pdf for the second file of a larger print."""
    return renderer.text("workshop.paper.filename", name=slug(municipality), number=number)
