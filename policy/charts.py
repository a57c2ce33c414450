"""A server-rendered bar chart of acceptance over time: geometry here, SVG in the template.

No JavaScript and no chart library: the figures are also given as a table, which is the text
alternative for people who cannot see the chart.
"""

from dataclasses import dataclass

from django.utils.formats import date_format

from policy.selectors import DayCount
from portal.formats import local_date

WIDTH, HEIGHT = 400, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 8, 24  # room for the axis labels
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    point: DayCount


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    label: str
    anchor: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    grid: list[GridLine]
    x_labels: list[AxisLabel]
    baseline_y: float
    summary: str  # what the chart shows, in one sentence: its accessible description


def acceptance_chart(points: list[DayCount], *, version_label: str) -> BarChart | None:
    if not points:
        return None
    slot = PLOT_WIDTH / len(points)
    bar_width = min(max(slot * 0.7, 1.0), 28.0)  # one day alone is a bar, not a slab
    bars = []
    for i, point in enumerate(points):
        height = PLOT_HEIGHT * point.percent / 100
        x = LEFT + i * slot + (slot - bar_width) / 2
        bars.append(Bar(x=round(x, 2), y=round(TOP + PLOT_HEIGHT - height, 2), width=round(bar_width, 2),
                        height=round(height, 2), point=point))  # fmt: skip
    grid = [GridLine(y=round(TOP + PLOT_HEIGHT * (1 - pct / 100), 2), label=f"{pct}%") for pct in (0, 25, 50, 75, 100)]
    first, last = points[0], points[-1]
    x_labels = [AxisLabel(x=LEFT, label=date_format(first.day, "j M"), anchor="start")]
    if len(points) > 1:
        x_labels.append(AxisLabel(x=WIDTH - RIGHT, label=date_format(last.day, "j M"), anchor="end"))
    summary = (
        f"People up to date with {version_label}: {first.percent}% on {local_date(first.day)}, "
        f"{last.percent}% ({last.up_to_date} of {last.people}) on {local_date(last.day)}."
    )
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        grid=grid,
        x_labels=x_labels,
        baseline_y=TOP + PLOT_HEIGHT,
        summary=summary,
    )
