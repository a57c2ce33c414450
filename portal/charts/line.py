"""Line charts over time."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.formats import date_format

from portal.charts.parts import (
    AXIS_TITLE,
    CHAR_WIDTH,
    STYLES,
    Chart,
    LegendItem,
    Line,
    Mark,
    Series,
    Tick,
    _check,
    _framed,
    _label,
    _table,
    format_value,
    scale,
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
