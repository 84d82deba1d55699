"""The results chart: each field of action as a bar from 0 to 100 %, drawn in memory.

A bar chart rather than a radar chart: on a phone, seven German field names
stay readable when each sits on its own line above its bar, and a field without
a score keeps its row with a note instead of silently collapsing to zero (a
radar would draw "too few answers" as "0 %").

matplotlib draws on its Agg canvas into a :class:`~matplotlib.figure.Figure` of
its own, never through pyplot: no display, no global figure registry, nothing
left behind between two renders. All wording arrives in :class:`ProfileChart`
(it lives in ``reports/texts.toml``); this module only draws.

matplotlib (with NumPy, about 45 MB) is loaded on the first drawing, not on
import: the bot's process builds :class:`ProfileChart` values, and only the
drawing process (:mod:`bot.output.workers`) draws them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Colours: one calm colour for the scores, no traffic lights (no verdicts). Shared
# with the workshop's comparison chart (bot/output/comparison_chart.py).
BAR = "#2b6f8e"
TRACK = "#e6eef2"
INK = "#1d1d1b"  # the previous run's marker here; the overall column there
MUTED = "#6b6b6b"
_HATCH = "#b9c3c8"

# Sizes in inches/points for a 960 px wide PNG at 120 dpi, which a phone shows
# at about 400 px: 17 pt text stays about 12 px high there.
_WIDTH = 8.0
_ROW = 0.95
_HEAD = 0.75
_FOOT = 0.55
_LABEL_PT = 17
_VALUE_PT = 17
_TITLE_PT = 19
_LEGEND_PT = 14
PRINT_DPI = 200  # a chart in a PDF report: sharp on paper


@dataclass(frozen=True)
class Bar:
    """One field: ``score`` 0–100, or ``None`` with a ``note`` saying why there is none.

    ``insufficient`` hatches the empty bar: the field was answered, but mostly
    with "Keine Einschätzung möglich", which is a finding of its own.
    """

    label: str
    score: int | None
    note: str | None = None
    insufficient: bool = False
    previous: int | None = None  # the same person's previous run, drawn as a marker
    level: str | None = None  # the level in words, shown before the percentage


@dataclass(frozen=True)
class ProfileChart:
    title: str | None  # None where the page around it has a heading already
    bars: tuple[Bar, ...]
    scale_labels: tuple[str, ...]  # under the axis at 0, 25, 50, 75, 100
    previous_legend: str | None = None  # e.g. "◆ Durchgang vom 03.02.2026"
    context: str | None = None  # what, whose and when, so a forwarded image explains itself


def load_matplotlib() -> ModuleType:
    """matplotlib, loaded and set to draw in memory (no display anywhere the bot runs)."""
    import matplotlib
    matplotlib.use("Agg")
    return matplotlib


def draw(chart: ProfileChart, image_format: str = "png", dpi: int = 120) -> bytes:
    """The chart as PNG (chat, print) or SVG bytes; text stays text in the SVG."""
    load_matplotlib()
    return save(_figure(chart), image_format, dpi)


def save(figure: Figure, image_format: str, dpi: int) -> bytes:
    """A drawn figure as PNG or SVG bytes, the same bytes for the same chart."""
    matplotlib = load_matplotlib()
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "selbstcheck"}):
        figure.savefig(buffer, format=image_format, dpi=dpi, facecolor="white",
                       metadata=_metadata(image_format))
    return buffer.getvalue()


def _metadata(image_format: str) -> dict[str, str | None]:
    # No creation date or software stamp: the same chart gives the same bytes.
    if image_format == "svg":
        return {"Date": None, "Creator": None}
    return {"Software": None}


def _figure(chart: ProfileChart) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = len(chart.bars)
    head = (_HEAD if chart.title else 0.15) + (0.4 if chart.context else 0)
    height = head + rows * _ROW + _FOOT + (0.35 if _has_previous(chart) else 0)
    figure = Figure(figsize=(_WIDTH, height))
    FigureCanvasAgg(figure)
    top = 1 - head / height
    bottom = (_FOOT + (0.35 if _has_previous(chart) else 0)) / height
    axes = figure.add_axes((0.04, bottom, 0.92, top - bottom))
    axes.set_xlim(0, 100)
    axes.set_ylim(rows, 0)
    axes.axis("off")
    if chart.title:
        figure.text(0.04, 1 - 0.3 / height, chart.title, fontsize=_TITLE_PT, fontweight="bold",
                    va="center", ha="left")
    if chart.context:
        figure.text(0.04, 1 - (0.75 if chart.title else 0.3) / height, chart.context,
                    fontsize=_LEGEND_PT, color=MUTED, va="center", ha="left")
    for guide in (25, 50, 75):
        axes.axvline(guide, color="white", linewidth=2, zorder=2)
    for row, bar in enumerate(chart.bars):
        _draw_row(axes, row, bar)
    for position, label in zip((0, 25, 50, 75, 100), chart.scale_labels):
        axes.text(position, rows + 0.05, label, fontsize=_LEGEND_PT, color=MUTED,
                  ha="center", va="top")
    if _has_previous(chart) and chart.previous_legend:
        figure.text(0.04, 0.25 / height, chart.previous_legend, fontsize=_LEGEND_PT,
                    color=INK, ha="left", va="center")
    return figure


def _has_previous(chart: ProfileChart) -> bool:
    return any(bar.previous is not None for bar in chart.bars)


def _draw_row(ax: Axes, row: int, bar: Bar) -> None:
    from matplotlib.patches import Rectangle

    label_y, bar_y, bar_height = row + 0.28, row + 0.62, 0.36
    ax.text(0, label_y, bar.label, fontsize=_LABEL_PT, ha="left", va="center")
    ax.add_patch(Rectangle((0, bar_y - bar_height / 2), 100, bar_height, color=TRACK,
                           zorder=1, linewidth=0))
    # The value sits on the label's line, right-aligned: the level in words, then the
    # percentage, or the note why there is none. Nothing is written over the bar,
    # so the marker of the previous run can never cover it.
    if bar.score is None:
        if bar.insufficient:
            ax.add_patch(Rectangle((0, bar_y - bar_height / 2), 100, bar_height, fill=False,
                                   hatch="///", edgecolor=_HATCH, linewidth=0, zorder=1.5))
        if bar.note:
            ax.text(100, label_y, bar.note, fontsize=_VALUE_PT - 2, style="italic",
                    color=MUTED, ha="right", va="center")
    else:
        ax.add_patch(Rectangle((0, bar_y - bar_height / 2), bar.score, bar_height, color=BAR,
                               zorder=3, linewidth=0))
        value = f"{bar.level} · {bar.score} %" if bar.level else f"{bar.score} %"
        ax.text(100, label_y, value, fontsize=_VALUE_PT, fontweight="bold", ha="right",
                va="center")
    if bar.previous is not None:
        ax.plot([bar.previous], [bar_y], marker="D", markersize=10, color=INK,
                markeredgecolor="white", markeredgewidth=1.5, zorder=5, clip_on=False)
