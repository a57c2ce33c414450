"""What every chart is made of: styles, the geometry the templates draw, numbers and axis scales."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

FONT_SIZE = 11
CHAR_WIDTH = 6.2  # average width of a character at FONT_SIZE, for the room labels need
AXIS_TITLE = 18  # room for an axis title


@dataclass(frozen=True)
class Style:
    colour: str
    pattern: str  # "" solid, "stripes", "dots", "cross", "lines"
    dash: str  # stroke-dasharray of a line series
    marker: str  # "circle", "square", "triangle", "diamond"


# GOV.UK colours, each >= 4.5:1 against white; patterns, dashes and markers tell series apart
# without colour.
STYLES = [
    Style("#1d70b8", "", "", "circle"),
    Style("#4c2c92", "stripes", "6 3", "square"),
    Style("#00703c", "dots", "2 3", "triangle"),
    Style("#912b88", "cross", "8 3 2 3", "diamond"),
    Style("#505a5f", "lines", "4 4", "circle"),
]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class Mark:
    """One data point drawn: a rect (bar, segment) or a marker (circle or polygon) on a line."""

    shape: str  # "rect", "circle", "polygon"
    label: str  # its <title>: what it is and its value
    fill: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    points: str = ""  # polygon markers


@dataclass(frozen=True)
class Tick:
    label: str
    x: float  # where the label goes
    y: float
    anchor: str  # text-anchor
    line: tuple[float, float, float, float] | None = None  # a grid line, x1 y1 x2 y2


@dataclass(frozen=True)
class Line:
    points: str
    colour: str
    dash: str


@dataclass(frozen=True)
class LegendItem:
    name: str
    fill: str
    colour: str
    dash: str


@dataclass(frozen=True)
class Pattern:
    id: str
    colour: str
    kind: str


@dataclass(frozen=True)
class TableRow:
    header: str
    cells: list[str]


@dataclass(frozen=True)
class Table:
    caption: str
    head: list[str]
    rows: list[TableRow]


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: the SVG's title and desc ids derive from it
    title: str
    description: str  # one or two sentences: what the chart shows (its <desc>)
    caption: str  # shown under the title in the figcaption
    width: int
    height: int
    x_label: str
    x_title: tuple[float, float]  # where the x axis title sits
    y_label: str
    y_title: tuple[float, float]
    axes: tuple[float, float, float, float]  # the plot's left, top, right, bottom
    ticks: list[Tick]
    marks: list[Mark]
    table: Table
    lines: list[Line] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


# --- Numbers -----------------------------------------------------------------------------------
def format_value(value: float, unit: str = "") -> str:
    """12 -> "12", 1234 -> "1,234", 2.25 -> "2.3"; "%" sticks to the number, other units follow it."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def scale(largest: float, *, fixed: float | None = None, integers: bool = True) -> tuple[float, list[float]]:
    """The value axis: its top and its tick values, at round steps (1, 2, 2.5 or 5 times a power of ten)."""
    top = fixed if fixed else max(largest, 0)
    if top <= 0:
        return 1.0, [0.0, 1.0]
    rough = top / 4
    power = 10 ** math.floor(math.log10(rough))
    steps = [m * power for m in (1, 2, 2.5, 5, 10) if not (integers and (m * power) % 1)]
    step = next((s for s in steps if s >= rough), steps[-1])
    step = max(step, 1.0) if integers else step
    top = fixed if fixed else math.ceil(top / step) * step
    count = round(top / step)
    return top, [round(i * step, 6) for i in range(count + 1)]


def _styles(series: Sequence[Series], chart_id: str) -> tuple[list[str], list[Pattern]]:
    fills, patterns = [], []
    for i, _ in enumerate(series):
        style = STYLES[i % len(STYLES)]
        if style.pattern:
            patterns.append(Pattern(id=f"{chart_id}-pattern-{i}", colour=style.colour, kind=style.pattern))
            fills.append(f"url(#{chart_id}-pattern-{i})")
        else:
            fills.append(style.colour)
    return fills, patterns


def _table(title, category_label, categories, series, unit, extra_columns) -> Table:
    head = [category_label, *(f"{s.name}" for s in series), *(name for name, _ in extra_columns)]
    rows = []
    for i, category in enumerate(categories):
        cells = [format_value(s.values[i], unit) for s in series] + [str(values[i]) for _, values in extra_columns]
        rows.append(TableRow(header=category, cells=cells))
    return Table(caption=title, head=head, rows=rows)


def _label(category: str, series: Series, value: float, unit: str, many: bool) -> str:
    return (
        f"{category}, {series.name}: {format_value(value, unit)}"
        if many
        else f"{category}: {format_value(value, unit)}"
    )


def _legend(series: Sequence[Series], fills: list[str]) -> list[LegendItem]:
    if len(series) < 2:
        return []
    return [
        LegendItem(name=s.name, fill=fills[i], colour=STYLES[i % len(STYLES)].colour, dash=STYLES[i % len(STYLES)].dash)
        for i, s in enumerate(series)
    ]


def _thin(count: int, room: float, longest: int) -> int:
    """Label every n-th category so that labels never overlap."""
    return max(1, math.ceil(count * (longest * CHAR_WIDTH + 8) / max(room, 1)))


def _check(categories: Sequence, series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)} categories")


def _framed(*, plot: tuple[float, float, float, float], height: int, **fields) -> Chart:
    """A chart whose axis titles sit centred beside its plot area."""
    x0, y0, x1, y1 = plot
    return Chart(
        axes=plot,
        height=height,
        x_title=(round((x0 + x1) / 2, 2), height - 4),
        y_title=(12, round((y0 + y1) / 2, 2)),
        **fields,
    )
