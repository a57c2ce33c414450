"""The compliance page's chart of acceptance over time, drawn with the site's chart module
(portal.charts): this file only says what goes on it."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from policy.selectors import DayCount
from portal.charts import Chart, Series, bar_chart
from portal.formats import local_date


def acceptance_chart(points: list[DayCount], *, version_label: str, since: datetime | None = None) -> Chart | None:
    if not points:
        return None
    first, last = points[0], points[-1]
    caption = "Share of people up to date at the end of each day"
    if since is not None:
        caption += f" since {version_label} took effect on {local_date(timezone.localtime(since).date())}"
    return bar_chart(
        chart_id="chart",
        title="Acceptance over time",
        description=(
            f"People up to date with {version_label}: {first.percent}% on {local_date(first.day)}, "
            f"{last.percent}% ({last.up_to_date} of {last.people}) on {local_date(last.day)}."
        ),
        caption=f"{caption}.",
        categories=[local_date(p.day) for p in points],
        axis_categories=[date_format(p.day, "j M") for p in points],
        series=[Series("Share up to date", [p.percent for p in points])],
        category_label="End of day",
        value_label="Up to date",
        unit="%",
        max_value=100,
        extra_columns=[("People up to date", [f"{p.up_to_date} of {p.people}" for p in points])],
    )
