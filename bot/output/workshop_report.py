"""The workshop's printable report: the group's result on paper, for the room and the files.

It shows what the coordinators see in the chat, and no more: per field the
score overall and per perspective (and the administration's own view beside
them, if its author placed it there), a chart per perspective, the statements
where the perspectives differ most (the topics for dialogue), what every group
rated low (the shared low fields and statements), those many could not judge,
and a plan for the dialogue event that follows the workshop. Only the
aggregates of :mod:`bot.domain.workshop` go in, so its anonymity rules hold on
paper too: a perspective with fewer than ``k`` respondents only appears inside
"weitere Perspektiven", and a withheld value is a gap with a note, never a zero.

The charts are the results' profile chart (:mod:`bot.output.chart`), one per group,
and the PDF is laid out like the person's own report (:mod:`bot.output.report_pdf`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.dialogue_plan import DialoguePlan, dialogue_plan
from bot.domain.entities import Release, Workshop
from bot.domain.next_steps import Step
from bot.domain.questionnaire import Scale
from bot.domain.workshop import (
    OVERALL,
    UNKNOWN_SHARE,
    Group,
    Score,
    StatementComparison,
    WorkshopResult,
)
from bot.domain.workshop_reference import ReferenceTopic, reference_topics
from bot.output.chart import PRINT_DPI, Bar, ProfileChart
from bot.output.chart import draw as draw_chart
from bot.output.comparison_chart import PROJECTOR_DPI, ComparisonChart, draw_comparison, shown
from bot.output.render import Renderer
from bot.output.report_pdf import png_data_uri, print_pdf
from bot.output.workshop_export import slug

DIALOGUE_PRINTED = 15  # a page or two of topics; a workshop cannot discuss more in a day
COMPARISON = "vergleich"  # the key of the perspectives' comparison chart among the charts


@dataclass(frozen=True)
class PerspectiveChart:
    """One group's profile: every field of the workshop as a bar."""

    key: str  # a perspective id, FURTHER or OVERALL
    respondents: int
    chart: ProfileChart


@dataclass(frozen=True)
class WorkshopReport:
    """Everything the workshop's report shows; dates are already written the German way."""

    workshop: Workshop
    result: WorkshopResult         # the release shown, as stored
    release: Release
    released: str                  # the day it was released
    steps: tuple[Step, ...]        # the agreed next steps, on a page of their own
    charts: tuple[PerspectiveChart, ...]  # overall first, then the shown groups
    labels: Mapping[str, str]  # perspective ids, FURTHER and OVERALL -> their names
    scale: Scale
    every_field: bool
    created: str  # the day the report is made
    opened: str  # the day the workshop was set up
    closed: str | None

    @property
    def dialogue(self) -> tuple[StatementComparison, ...]:
        """The topics for dialogue on paper: the widest gaps (all of them are in the CSV)."""
        return self.result.dialogue[:DIALOGUE_PRINTED]

    @property
    def more_dialogue(self) -> int:
        return len(self.result.dialogue) - len(self.dialogue)

    @property
    def reference_topics(self) -> tuple[ReferenceTopic, ...]:
        """Where the administration's own view and the room's part (all of them in the CSV)."""
        return reference_topics(self.result)[:DIALOGUE_PRINTED]

    @property
    def plan(self) -> DialoguePlan:
        """The dialogue event after the workshop, on a page of its own."""
        return dialogue_plan(self.result)


def perspective_charts(result: WorkshopResult, scale: Scale,
                       renderer: Renderer) -> tuple[PerspectiveChart, ...]:
    """A chart per perspective: overall first, then each group shown on its own."""
    columns = [(Group(OVERALL, result.respondents, ()), [row.overall for row in result.fields])]
    columns += [(group, [row.by_group[index][1] for row in result.fields])
                for index, group in enumerate(result.groups)]
    labels = [renderer.text("results.chart_label", field=row.field) for row in result.fields]
    scale_labels = tuple(renderer.text("results.chart_scale", value=value)
                         for value in (0, 25, 50, 75, 100))
    return tuple(
        PerspectiveChart(group.key, group.respondents, ProfileChart(
            title=None, scale_labels=scale_labels,
            bars=tuple(_bar(label, score, scale, renderer)
                       for label, score in zip(labels, scores))))
        for group, scores in columns)


def _bar(label: str, score: Score, scale: Scale, renderer: Renderer) -> Bar:
    """A shown value as a bar; a withheld one as a gap that says why."""
    value = shown(score, scale, renderer)
    return Bar(label, value.percent, note=value.note, insufficient=value.insufficient)


def report_filename(municipality: str, renderer: Renderer) -> str:
    """Named like the CSV export beside it: workshop-Musterstadt.pdf."""
    return renderer.text("workshop.report.filename", name=slug(municipality))


def print_workshop_report(renderer: Renderer, report: WorkshopReport,
                           comparison: ComparisonChart) -> bytes:
    """The report as PDF bytes (CPU-bound: call it off the event loop).

    The perspectives' charts and the ``comparison`` are drawn here, in the
    printing process, as a personal report's chart is: the report is one job
    waiting for one turn (:mod:`bot.output.fair_queue`), not seven.
    """
    charts = {chart.key: draw_chart(chart.chart, "png", PRINT_DPI) for chart in report.charts}
    charts[COMPARISON] = draw_comparison(comparison, "png", PROJECTOR_DPI)
    return print_pdf(renderer, "workshop_report.html.j2", report=report,
                     charts={key: png_data_uri(png) for key, png in charts.items()},
                     minimum=report.result.minimum, unknown_share=UNKNOWN_SHARE)
