"""The site's one chart approach: charts drawn on the server as SVG, each with its numbers as a table.

Builders here work out the geometry (bars, stacked bars, lines over time); the templates
`portal/charts/chart.html` and `portal/charts/table.html` draw it: a <figure> with a caption, an
SVG with role="img", a <title> and a <desc> (aria-labelledby), both axes labelled, and the
same numbers as an HTML table, so the chart is never the only way to read them. No JavaScript,
no chart library. Series differ by pattern, dash and marker shape as well as colour, and every
colour has at least 3:1 contrast with the white background (WCAG 1.4.11).

Split by concern: `parts` (styles, geometry, numbers), `bar` and `line`.
Callers import from here; a test that replaces a name replaces it in the submodule that looks it up.
"""

from portal.charts.bar import bar_chart
from portal.charts.line import line_chart
from portal.charts.parts import (
    AXIS_TITLE,
    CHAR_WIDTH,
    FONT_SIZE,
    STYLES,
    Chart,
    LegendItem,
    Line,
    Mark,
    Pattern,
    Series,
    Style,
    Table,
    TableRow,
    Tick,
    format_value,
    scale,
)

__all__ = [
    "AXIS_TITLE",
    "CHAR_WIDTH",
    "FONT_SIZE",
    "STYLES",
    "Chart",
    "LegendItem",
    "Line",
    "Mark",
    "Pattern",
    "Series",
    "Style",
    "Table",
    "TableRow",
    "Tick",
    "bar_chart",
    "format_value",
    "line_chart",
    "scale",
]
