"""A released result as files: the comparison chart for the projector, the CSV, the
spreadsheets (XLSX, ODS), the printable PDF."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.entities import Release, Workshop
from bot.domain.names import printable
from bot.domain.workshop import WorkshopResult
from bot.flows.outcome import Document, Photo
from bot.flows.results_view import local_date, shown_date
from bot.flows.work_quota import WorkQuota
from bot.flows.workshop.desk import Desk
from bot.output.comparison_chart import comparison_chart, draw_comparison
from bot.output.workers import in_drawing_process, in_print_process
from bot.output.workshop_export import csv_filename, result_csv, slug
from bot.output.workshop_report import (
    WorkshopReport,
    perspective_charts,
    print_workshop_report,
    report_filename,
)
from bot.output.workshop_sheets import SPREADSHEETS, result_parts, spreadsheet_filename


class Documents:
    """``reports`` limits how many PDFs one person has made in a short time."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.reports = WorkQuota()

    async def comparison(self, workshop: Workshop, release: Release,
                         result: WorkshopResult) -> Photo:
        """The perspectives side by side in one chart, sized for a projector."""
        desk = self.desk
        chart = comparison_chart(result, desk.questionnaire.scale, desk.render, desk.labels)
        png = await in_drawing_process(draw_comparison, chart)
        caption = desk.render.html("workshop_chart_caption.html.j2", workshop=workshop,
                                   release=release,
                                   released=shown_date(local_date(release.released_at)))
        return Photo(png, desk.render.text("workshop.chart.filename",
                                           name=slug(workshop.municipality)), caption)

    async def csv(self, workshop: Workshop, release: Release,
                  result: WorkshopResult) -> Document:
        desk = self.desk
        content = result_csv(result, desk.questionnaire.scale, desk.render, desk.labels,
                             await desk.storage.steps.of(workshop.id))
        caption = desk.render.html("workshop_csv_caption.html.j2", workshop=workshop,
                                   result=result, release=release,
                                   released=shown_date(local_date(release.released_at)))
        return Document(content, csv_filename(workshop.municipality, desk.render), caption)

    async def spreadsheet(self, workshop: Workshop, release: Release, result: WorkshopResult,
                          kind: str) -> Document:
        """The CSV's numbers as a workbook (``kind`` "xlsx" or "ods"), one sheet per part."""
        desk = self.desk
        parts = result_parts(result, desk.questionnaire.scale, desk.render, desk.labels,
                             await desk.storage.steps.of(workshop.id))
        content = await in_print_process(SPREADSHEETS[kind], parts)  # a tenth of a second
        caption = desk.render.html("workshop_sheets_caption.html.j2", workshop=workshop,
                                   result=result, release=release, kind=kind,
                                   released=shown_date(local_date(release.released_at)))
        return Document(content, spreadsheet_filename(workshop.municipality, kind, desk.render),
                        caption)

    async def report(self, workshop: Workshop, release: Release,
                     result: WorkshopResult) -> Document:
        """The printable report with a chart per perspective (see :mod:`bot.output.workshop_report`)."""
        desk = self.desk
        scale = desk.questionnaire.scale
        report = WorkshopReport(
            workshop=replace(workshop, municipality=printable(workshop.municipality)),
            result=result, release=release,
            steps=tuple(await desk.storage.steps.of(workshop.id)),
            released=shown_date(local_date(release.released_at)),
            charts=perspective_charts(result, scale, desk.render),
            labels=desk.labels, scale=scale,
            every_field=workshop.field_ids is None,
            created=shown_date(local_date(desk.storage.clock.now())),
            opened=shown_date(local_date(workshop.created_at)),
            closed=shown_date(local_date(workshop.closed_at)) if workshop.closed_at else None)
        pdf = await in_print_process(print_workshop_report, desk.render, report,
                                     comparison_chart(result, scale, desk.render, desk.labels))
        caption = desk.render.html("workshop_report_caption.html.j2", workshop=workshop,
                                   result=result, release=release)
        return Document(pdf, report_filename(workshop.municipality, desk.render), caption)
