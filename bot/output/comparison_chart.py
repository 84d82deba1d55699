"""One picture of the perspectives: per field a group of bars, one per shown group and overall.

Comparing small profiles means moving the eyes between charts; in the room the
workshop looks at one slide. So per field of action the bars of every shown
perspective stand side by side, the overall value first, in the same colour
per perspective across all fields. A withheld value is a gap with a label,
never a zero: a zero would read as the lowest possible rating.

The chart is sized for a projector (16:9, 1920 × 1080 at 144 dpi) and used in
the chat result, at the top of the PDF and on the projector's wall, where the
level words stand beside the axis: a room reads „Auf gutem Weg“ before it reads 62. :class:`ComparisonChart` holds all
its values and wording, so tests read what the chart shows from its data; this
module's drawing only renders it (in the drawing process, like the profile
chart of :mod:`bot.output.chart`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.questionnaire import Scale
from bot.domain.workshop import OVERALL, Score, WorkshopResult
from bot.domain.workshop_reference import REFERENCE
from bot.output.chart import BAR, INK, MUTED, TRACK, load_matplotlib, save
from bot.output.render import Renderer

# One calm colour per column, overall darkest; no traffic lights (no verdicts).
_COLOURS = (INK, BAR, "#8fb8c9", "#c7793a", "#6a8f3c", "#8c5a9e", "#b9a23a",
            "#4f8f8a", "#a34d4d", "#777777", "#3d5a80")
PROJECTOR_DPI = 144                                 # 1920 × 1080 pixels, 16:9
_WIDTH, _HEIGHT = 1920 / PROJECTOR_DPI, 1080 / PROJECTOR_DPI  # inches


@dataclass(frozen=True)
class Column:
    """A shown group (or overall) as a series of bars, one per field."""

    key: str     # a perspective id, FURTHER, OVERALL or REFERENCE
    label: str   # its name and size, e.g. "Politik (6)"

    @property
    def reference(self) -> bool:
        """The administration's own view: drawn apart, as no group of the room."""
        return self.key == REFERENCE


@dataclass(frozen=True)
class ComparisonBar:
    """One group's value in one field; ``score`` None is a gap that ``note`` explains."""

    key: str
    score: int | None
    note: str | None = None


@dataclass(frozen=True)
class FieldGroup:
    label: str                          # e.g. "1 Steuerung"
    bars: tuple[ComparisonBar, ...]     # in the order of the columns


@dataclass(frozen=True)
class ComparisonChart:
    title: str
    columns: tuple[Column, ...]         # overall first
    fields: tuple[FieldGroup, ...]
    axis_label: str
    levels: tuple[tuple[int, str], ...] = ()  # (lowest score, level word), drawn as bands

    def value(self, field_label: str, key: str) -> int | None:
        """A bar's value by field and group (for readers of the data, such as tests)."""
        group = next(g for g in self.fields if g.label == field_label)
        return next(b.score for b in group.bars if b.key == key)


def comparison_chart(result: WorkshopResult, scale: Scale, renderer: Renderer,
                     labels: Mapping[str, str], *, levels: bool = False) -> ComparisonChart:
    """The chart's data from a released result: shown values only, gaps for the rest;
    ``levels``: with the scale's level words beside the axis."""
    columns = [Column(OVERALL, renderer.text("workshop.chart.column", label=labels[OVERALL],
                                             people=result.respondents))]
    columns += [Column(group.key, renderer.text("workshop.chart.column", label=labels[group.key],
                                                people=group.respondents))
                for group in result.groups] if result.comparable else []
    reference = result.reference
    if reference is not None:
        columns.append(Column(REFERENCE, renderer.text("workshop.reference.column",
                                                       label=labels[REFERENCE])))
    fields = []
    for row in result.fields:
        scores = [(OVERALL, row.overall)]
        if result.comparable:
            scores += [(group.key, score) for group, score in row.by_group]
        bars = [_bar(key, score, scale, renderer) for key, score in scores]
        if reference is not None:
            own = reference.field(row.field.id)
            bars.append(ComparisonBar(REFERENCE, None,
                                      renderer.text("workshop.reference.not_answered"))
                        if own is None else _bar(REFERENCE, own, scale, renderer))
        fields.append(FieldGroup(renderer.text("results.chart_label", field=row.field),
                                 tuple(bars)))
    bands = tuple((level.min_score, level.label) for level in scale.levels) if levels else ()
    return ComparisonChart(title=renderer.text("workshop.chart.title"), columns=tuple(columns),
                           fields=tuple(fields), axis_label=renderer.text("workshop.chart.axis"),
                           levels=bands)


@dataclass(frozen=True)
class Shown:
    """What a chart draws for a group's score: its percentage, or a gap and why."""

    percent: int | None
    note: str | None = None
    insufficient: bool = False  # rated, but mostly "Keine Einschätzung möglich"


def shown(score: Score, scale: Scale, renderer: Renderer) -> Shown:
    """A released score as a chart shows it: withheld values are labelled gaps, never zeros."""
    if score.withheld or score.percent_rounded is None:
        return Shown(None, renderer.text("workshop.chart.withheld"))
    if score.level is None:
        return Shown(None, scale.insufficient_label, insufficient=True)
    return Shown(score.percent_rounded)


def _bar(key: str, score: Score, scale: Scale, renderer: Renderer) -> ComparisonBar:
    value = shown(score, scale, renderer)
    return ComparisonBar(key, value.percent, value.note)


def draw_comparison(chart: ComparisonChart, image_format: str = "png",
                      dpi: int = PROJECTOR_DPI, text_scale: float = 1.0) -> bytes:
    """The chart as PNG or SVG bytes (CPU-bound: called in the drawing process).

    ``text_scale`` enlarges every text by drawing the same pixels on a smaller page
    (the wall's chart is read from the back of the room).
    """
    load_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    figure = Figure(figsize=(_WIDTH / text_scale, _HEIGHT / text_scale))
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.07, 0.2, 0.72 if chart.levels else 0.9, 0.68))
    figure.text(0.07, 0.94, chart.title, fontsize=24, fontweight="bold", va="center")
    count = max(len(chart.columns), 1)
    width = 0.8 / count
    references = {i for i, column in enumerate(chart.columns) if column.reference}
    for index, group in enumerate(chart.fields):
        for position, bar in enumerate(group.bars):
            x = index - 0.4 + width * (position + 0.5)
            if bar.score is not None and position in references:
                # white with a dark outline and hatching: beside the groups, not one of them
                axes.bar(x, bar.score, width * 0.9, color="white", edgecolor=INK, hatch="//",
                         linewidth=1.5)
                axes.text(x, bar.score + 1.5, f"{bar.score}", ha="center", va="bottom",
                          fontsize=13, fontweight="bold", style="italic")
            elif bar.score is None:
                axes.bar(x, 100, width * 0.9, color=TRACK, edgecolor=MUTED, linestyle=":",
                         linewidth=1)
                axes.text(x, 50, bar.note or "", rotation=90, ha="center", va="center",
                          fontsize=12, color=MUTED, style="italic")
            else:
                axes.bar(x, bar.score, width * 0.9, color=_COLOURS[position % len(_COLOURS)])
                axes.text(x, bar.score + 1.5, f"{bar.score}", ha="center", va="bottom",
                          fontsize=13, fontweight="bold")
    _draw_levels(axes, chart.levels)
    axes.set_ylim(0, 110)
    axes.set_yticks((0, 25, 50, 75, 100))
    axes.tick_params(labelsize=14)
    axes.set_ylabel(chart.axis_label, fontsize=14)
    axes.set_xticks(range(len(chart.fields)))
    # "3 Zugang & Teilhabe": the number above the name, so seven names fit side by side
    axes.set_xticklabels([group.label.replace(" ", "\n", 1).replace(" & ", " &\n")
                          for group in chart.fields], fontsize=14)
    axes.set_xlim(-0.5, len(chart.fields) - 0.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [Patch(facecolor="white", edgecolor=INK, hatch="//", label=column.label)
               if column.reference else Patch(color=_COLOURS[i % len(_COLOURS)], label=column.label)
               for i, column in enumerate(chart.columns)]
    figure.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=14,
                  frameon=False)
    return save(figure, image_format, round(dpi * text_scale))


def _draw_levels(axes: Any, levels: tuple[tuple[int, str], ...]) -> None:
    """A faint line where each level starts, its word to the right of its band."""
    tops = [100] + [low for low, _ in levels][:-1]
    for (low, label), top in zip(levels, tops):
        if low > 0:
            axes.axhline(low, color=MUTED, linewidth=0.8, linestyle="--", zorder=0)
        axes.text(1.01, (low + top) / 2 / 110, label, transform=axes.transAxes,
                  ha="left", va="center", fontsize=15, color=INK)
