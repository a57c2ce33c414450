"""The site's chart module: each chart is valid SVG with its title, description and axis labels,
one mark per data point, and a table with the same numbers."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from policy.charts import acceptance_chart
from policy.selectors import DayCount
from portal import charts
from portal.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def render(chart) -> tuple[ET.Element, str]:
    html = render_to_string("portal/charts/chart.html", {"chart": chart})
    svg = re.search(r"<svg viewBox=.*?</svg>", html, re.S).group(0)
    return ET.fromstring(svg), html  # raises if the SVG is not well-formed XML


def marks(svg: ET.Element) -> list[ET.Element]:
    return [e for e in svg.iter() if e.get("class") == "kitbag-chart__mark"]


def texts(svg: ET.Element) -> list[str]:
    return [e.text for e in svg.iter(f"{SVG}text")]


def table_rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody") :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]


def assert_accessible_parts(svg, html, chart):
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id == f"{chart.id}-title"
    assert svg.find(f"{SVG}title").text == chart.title
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert chart.description in svg.find(f"{SVG}desc").text
    assert chart.x_label in texts(svg) and chart.y_label in texts(svg)
    assert re.search(rf"<figure[^>]*>\s*<figcaption[^>]*><strong>{re.escape(chart.title)}</strong>", html)
    assert f'<caption class="govuk-table__caption govuk-table__caption--s">{chart.title}</caption>' in html


UNITS = ["North", "South", "East", "West"]
ISSUED = [12, 30, 7, 0]


def test_a_vertical_bar_chart():
    chart = charts.bar_chart(
        chart_id="issued",
        title="Devices issued by command unit",
        description="Most devices went to South.",
        categories=UNITS,
        series=[Series("Issued", ISSUED)],
        category_label="Command unit",
        value_label="Devices issued",
    )
    svg, html = render(chart)
    assert_accessible_parts(svg, html, chart)
    bars = marks(svg)
    assert len(bars) == 4
    assert [b.find(f"{SVG}title").text for b in bars] == ["North: 12", "South: 30", "East: 7", "West: 0"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == pytest.approx(heights[0] * 30 / 12, abs=0.05) and heights[3] == 0
    # bars stand on the x axis
    baseline = chart.axes[3]
    assert all(float(b.get("y")) + float(b.get("height")) == pytest.approx(baseline, abs=0.05) for b in bars)
    assert set(UNITS) <= set(texts(svg))
    assert table_rows(html) == [[u, str(n)] for u, n in zip(UNITS, ISSUED, strict=True)]


def test_a_horizontal_bar_chart_grows_with_its_categories():
    chart = charts.bar_chart(
        chart_id="models",
        title="Estate by model",
        description="Model X is the most common.",
        categories=["Model X", "Model Y", "A model with a long name"],
        series=[Series("Devices", [1500, 750, 3])],
        category_label="Model",
        value_label="Devices",
        horizontal=True,
    )
    svg, html = render(chart)
    assert_accessible_parts(svg, html, chart)
    bars = marks(svg)
    assert len(bars) == 3
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.05)
    assert all(float(b.get("x")) == pytest.approx(chart.axes[0]) for b in bars)
    assert "1,500" in table_rows(html)[0][1]
    assert "A model with a long name" in texts(svg)
    assert chart.height > 100


def test_a_stacked_bar_chart_stacks_and_has_a_key_that_is_not_colour_alone():
    open_, closed = [3, 5, 0], [4, 1, 2]
    chart = charts.bar_chart(
        chart_id="cases",
        title="Leaver cases by month",
        description="More cases opened in February.",
        categories=["Jan 2026", "Feb 2026", "Mar 2026"],
        series=[Series("Open", open_), Series("Closed", closed)],
        category_label="Month",
        value_label="Cases",
        stacked=True,
    )
    svg, html = render(chart)
    assert_accessible_parts(svg, html, chart)
    segments = marks(svg)
    assert len(segments) == 6  # one per category and series
    scale_top, _ = charts.scale(7)
    plot_height = chart.axes[3] - chart.axes[1]
    for i in range(3):
        first, second = segments[2 * i], segments[2 * i + 1]
        total = float(first.get("height")) + float(second.get("height"))
        assert total == pytest.approx(plot_height * (open_[i] + closed[i]) / scale_top, abs=0.05)
        assert float(second.get("y")) + float(second.get("height")) == pytest.approx(float(first.get("y")), abs=0.05)
    assert segments[0].find(f"{SVG}title").text == "Jan 2026, Open: 3"
    # the second series is patterned, and the pattern is defined
    pattern_ids = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
    assert segments[1].get("fill") == "url(#cases-pattern-1)" and "cases-pattern-1" in pattern_ids
    assert "kitbag-chart__legend" in html and "</svg> Open</li>" in html and "</svg> Closed</li>" in html
    assert table_rows(html) == [["Jan 2026", "3", "4"], ["Feb 2026", "5", "1"], ["Mar 2026", "0", "2"]]


def test_a_line_chart_over_time_places_dates_by_their_distance():
    dates = [datetime.date(2026, 10, 1), datetime.date(2026, 10, 2), datetime.date(2026, 10, 5)]
    chart = charts.line_chart(
        chart_id="accepted",
        title="Acceptance since publication",
        description="Acceptance rose to 80%.",
        dates=dates,
        series=[Series("North", [10, 40, 80]), Series("South", [5, 20.5, 60])],
        date_label="Date",
        value_label="Accepted",
        unit="%",
        max_value=100,
    )
    svg, html = render(chart)
    assert_accessible_parts(svg, html, chart)
    points = marks(svg)
    assert len(points) == 6
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2
    assert {p.tag for p in points} == {f"{SVG}circle", f"{SVG}polygon"}  # markers differ by shape
    xs = [float(p.get("cx")) for p in points[:3]]
    assert (xs[2] - xs[1]) == pytest.approx(3 * (xs[1] - xs[0]), abs=0.05)
    assert points[4].find(f"{SVG}title").text == "2 Oct 2026, South: 20.5%"
    assert [t for t in texts(svg) if t.endswith("%")] == ["0%", "25%", "50%", "75%", "100%"]
    assert table_rows(html) == [
        ["1 Oct 2026", "10%", "5%"],
        ["2 Oct 2026", "40%", "20.5%"],
        ["5 Oct 2026", "80%", "60%"],
    ]


def test_two_charts_on_one_page_have_their_own_ids():
    a = charts.bar_chart(chart_id="a", title="A", description="", categories=["x"], series=[Series("s", [1])],
                         category_label="c", value_label="v")  # fmt: skip
    b = charts.bar_chart(chart_id="b", title="B", description="", categories=["x"], series=[Series("s", [1])],
                         category_label="c", value_label="v")  # fmt: skip
    assert render(a)[0].get("aria-labelledby") != render(b)[0].get("aria-labelledby")


@pytest.mark.parametrize(
    ("largest", "fixed", "top", "ticks"),
    [
        (37, None, 40, [0, 10, 20, 30, 40]),
        (3, None, 3, [0, 1, 2, 3]),
        (0, None, 1, [0, 1]),
        (64, 100, 100, [0, 25, 50, 75, 100]),
        (1234, None, 1500, [0, 500, 1000, 1500]),
    ],
)
def test_the_value_axis_has_round_ticks(largest, fixed, top, ticks):
    assert charts.scale(largest, fixed=fixed) == (top, ticks)


def test_values_are_formatted_for_people():
    assert charts.format_value(1234) == "1,234"
    assert charts.format_value(2.26, "%") == "2.3%"
    assert charts.format_value(3, "days") == "3 days"


def test_a_series_that_does_not_fit_its_categories_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        charts.bar_chart(chart_id="x", title="X", description="", categories=["a", "b", "c"],
                         series=[Series("s", [1, 2])], category_label="c", value_label="v")  # fmt: skip


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_series_colour_has_3_to_1_contrast_with_white_and_its_own_pattern_or_marker():
    for style in charts.STYLES:
        assert (1.05) / (_luminance(style.colour) + 0.05) >= 3.0, style
    assert len({(s.pattern, s.dash) for s in charts.STYLES}) == len(charts.STYLES)


def test_the_compliance_chart_is_drawn_by_the_site_module_with_its_numbers_in_the_table():
    points = [
        DayCount(day=datetime.date(2026, 6, 1), up_to_date=2, people=8),
        DayCount(day=datetime.date(2026, 6, 2), up_to_date=5, people=8),
        DayCount(day=datetime.date(2026, 6, 3), up_to_date=6, people=8),
    ]
    chart = acceptance_chart(points, version_label="version 2")
    svg, html = render(chart)
    assert_accessible_parts(svg, html, chart)
    assert svg.get("viewBox") == "0 0 400 200" and svg.get("aria-labelledby") == "chart-title chart-desc"
    bars = marks(svg)
    assert [b.find(f"{SVG}title").text for b in bars] == ["1 Jun 2026: 25%", "2 Jun 2026: 62%", "3 Jun 2026: 75%"]
    assert table_rows(html) == [
        ["1 Jun 2026", "25%", "2 of 8"],
        ["2 Jun 2026", "62%", "5 of 8"],
        ["3 Jun 2026", "75%", "6 of 8"],
    ]
    assert acceptance_chart([], version_label="version 2") is None
