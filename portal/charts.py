"""The site's one chart approach: charts drawn on the server as SVG, each with its numbers as a table.

Builders here work out the geometry (bars, stacked bars, lines over time); the templates
`portal/charts/chart.html` and `portal/charts/table.html` draw it: a <figure> with a caption, an
SVG with role="img", a <title> and a <desc> (aria-labelledby), both axes labelled, and the
same numbers as an HTML table, so the chart is never the only way to read them. No JavaScript,
no chart library. Series differ by pattern, dash and marker shape as well as colour, and every
colour has at least 3:1 contrast with the white background (WCAG 1.4.11).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import date_format

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


# --- Bar charts --------------------------------------------------------------------------------
def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    category_label: str,
    value_label: str,
    unit: str = "",
    horizontal: bool = False,
    stacked: bool = False,
    max_value: float | None = None,
    axis_categories: Sequence[str] | None = None,
    caption: str = "",
    extra_columns: Sequence[tuple[str, Sequence]] = (),
    width: int = 400,
    height: int = 200,
) -> Chart:
    """Bars, vertical (categories along the bottom) or horizontal (categories down the side),
    one bar per series side by side, or `stacked` into one bar per category. `axis_categories`
    are shorter labels for the axis; the table and each bar's title use `categories`."""
    _check(categories, series)
    fills, patterns = _styles(series, chart_id)
    many = len(series) > 1
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    largest = max(totals if stacked else [v for s in series for v in s.values], default=0)
    integers = all(float(v).is_integer() for s in series for v in s.values)
    top, tick_values = scale(largest, fixed=max_value, integers=integers)
    axis_names = list(axis_categories or categories)
    value_labels = [format_value(v, unit) for v in tick_values]

    if horizontal:
        band = 22 * (1 if stacked or not many else len(series)) + 10
        left = AXIS_TITLE + min(max((len(c) for c in axis_names), default=1) * CHAR_WIDTH + 10, 180)
        # room for half the last value label, which is centred on the plot's right edge
        top_edge, right, bottom_room = 8, max(8, len(value_labels[-1]) * CHAR_WIDTH / 2 + 2), 20 + AXIS_TITLE
        height = int(top_edge + band * max(len(categories), 1) + bottom_room)
        plot = (left, top_edge, width - right, height - bottom_room)
        along = plot[2] - plot[0]
    else:
        left = AXIS_TITLE + max(len(v) for v in value_labels) * CHAR_WIDTH + 8
        # room for half the last category's label, centred on its bar
        top_edge, right, bottom_room = 8, max(8, len(axis_names[-1]) * CHAR_WIDTH / 2), 20 + AXIS_TITLE
        plot = (left, top_edge, width - right, height - bottom_room)
        along = plot[3] - plot[1]
    x0, y0, x1, y1 = plot
    length = lambda value: along * value / top  # noqa: E731 - the one conversion, used everywhere

    ticks = []
    for value, text in zip(tick_values, value_labels, strict=True):
        if horizontal:
            x = round(x0 + length(value), 2)
            ticks.append(Tick(text, x, y1 + 14, "middle", (x, y0, x, y1)))
        else:
            y = round(y1 - length(value), 2)
            ticks.append(Tick(text, x0 - 4, y + 4, "end", (x0, y, x1, y)))

    slot = ((y1 - y0) if horizontal else (x1 - x0)) / max(len(categories), 1)
    every = 1 if horizontal else _thin(len(categories), x1 - x0, max((len(c) for c in axis_names), default=1))
    marks = []
    for i, category in enumerate(categories):
        group = min(slot * 0.7, 28.0 * (1 if stacked else len(series)))
        start = (y0 if horizontal else x0) + i * slot + (slot - group) / 2
        thickness = group if stacked else group / len(series)
        if horizontal:
            ticks.append(Tick(axis_names[i], x0 - 6, round(start + group / 2 + 4, 2), "end"))
        elif i % every == 0:
            ticks.append(Tick(axis_names[i], round(start + group / 2, 2), y1 + 14, "middle"))
        base = 0.0
        for j, s in enumerate(series):
            value = s.values[i]
            offset = base if stacked else 0.0
            across = start if stacked else start + j * thickness
            size = length(value)
            if horizontal:
                rect = {"x": x0 + length(offset), "y": across, "width": size, "height": thickness}
            else:
                rect = {"x": across, "y": y1 - length(offset) - size, "width": thickness, "height": size}
            marks.append(
                Mark(
                    shape="rect",
                    label=_label(category, s, value, unit, many),
                    fill=fills[j],
                    **{k: round(v, 2) for k, v in rect.items()},
                )
            )
            base += value

    x_label, y_label = (value_label, category_label) if horizontal else (category_label, value_label)
    return _framed(
        id=chart_id,
        title=title,
        description=description,
        caption=caption,
        width=width,
        height=height,
        x_label=x_label,
        y_label=y_label,
        plot=plot,
        ticks=ticks,
        marks=marks,
        table=_table(title, category_label, categories, series, unit, extra_columns),
        legend=_legend(series, fills),
        patterns=patterns,
    )


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


# --- Line charts over time ---------------------------------------------------------------------
def _marker(shape: str, x: float, y: float) -> tuple[str, str]:
    r = 3.5
    if shape == "square":
        return "polygon", f"{x - r},{y - r} {x + r},{y - r} {x + r},{y + r} {x - r},{y + r}"
    if shape == "triangle":
        return "polygon", f"{x},{y - r - 1} {x + r + 1},{y + r} {x - r - 1},{y + r}"
    if shape == "diamond":
        return "polygon", f"{x},{y - r - 1} {x + r + 1},{y} {x},{y + r + 1} {x - r - 1},{y}"
    return "circle", ""


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    dates: Sequence[datetime.date],
    series: Sequence[Series],
    date_label: str,
    value_label: str,
    unit: str = "",
    max_value: float | None = None,
    caption: str = "",
    extra_columns: Sequence[tuple[str, Sequence]] = (),
    width: int = 400,
    height: int = 200,
) -> Chart:
    """Values over time: dates placed by their distance apart, one line and one marker per point
    for each series."""
    _check(dates, series)
    if not dates:
        raise ValueError("a line chart needs at least one date")
    integers = all(float(v).is_integer() for s in series for v in s.values)
    top, tick_values = scale(max(v for s in series for v in s.values), fixed=max_value, integers=integers)
    value_labels = [format_value(v, unit) for v in tick_values]
    left = AXIS_TITLE + max(len(v) for v in value_labels) * CHAR_WIDTH + 8
    plot = (left, 8, width - 16, height - 20 - AXIS_TITLE)
    x0, y0, x1, y1 = plot
    span = (dates[-1] - dates[0]).days
    xs = [x0 + (x1 - x0) * ((d - dates[0]).days / span if span else 0.5) for d in dates]
    y_of = lambda value: y1 - (y1 - y0) * value / top  # noqa: E731

    ticks = [
        Tick(text, x0 - 4, round(y_of(v), 2) + 4, "end", (x0, round(y_of(v), 2), x1, round(y_of(v), 2)))
        for v, text in zip(tick_values, value_labels, strict=True)
    ]
    fmt = "j M Y" if dates[0].year != dates[-1].year else "j M"
    shown = sorted({0, len(dates) - 1, *(round(len(dates) * k / 3) for k in (1, 2) if len(dates) > 6)})
    for i in shown:
        anchor = "start" if i == 0 and len(dates) > 1 else "end" if i == len(dates) - 1 and len(dates) > 1 else "middle"
        ticks.append(Tick(date_format(dates[i], fmt), round(xs[i], 2), y1 + 14, anchor))

    many = len(series) > 1
    categories = [date_format(d, "DATE_FORMAT") for d in dates]
    marks, lines, legend = [], [], []
    for j, s in enumerate(series):
        style = STYLES[j % len(STYLES)]
        points = [(round(x, 2), round(y_of(v), 2)) for x, v in zip(xs, s.values, strict=True)]
        lines.append(Line(points=" ".join(f"{x},{y}" for x, y in points), colour=style.colour, dash=style.dash))
        for (x, y), category, value in zip(points, categories, s.values, strict=True):
            shape, polygon = _marker(style.marker, x, y)
            marks.append(
                Mark(
                    shape=shape,
                    label=_label(category, s, value, unit, many),
                    fill=style.colour,
                    x=x,
                    y=y,
                    points=polygon,
                )
            )
        if many:
            legend.append(LegendItem(name=s.name, fill=style.colour, colour=style.colour, dash=style.dash))

    return _framed(
        id=chart_id,
        title=title,
        description=description,
        caption=caption,
        width=width,
        height=height,
        x_label=date_label,
        y_label=value_label,
        plot=plot,
        ticks=ticks,
        marks=marks,
        lines=lines,
        legend=legend,
        table=_table(title, date_label, categories, series, unit, extra_columns),
    )
