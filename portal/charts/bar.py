"""Bar charts, plain and stacked, vertical or horizontal."""

from __future__ import annotations

from collections.abc import Sequence

from portal.charts.parts import (
    AXIS_TITLE,
    CHAR_WIDTH,
    Chart,
    Mark,
    Series,
    Tick,
    _check,
    _framed,
    _label,
    _legend,
    _styles,
    _table,
    _thin,
    format_value,
    scale,
)


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
