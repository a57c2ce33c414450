"""A dashboard panel: a chart (portal.charts, which carries the table behind it), the filtered
list it summarises, and the table as CSV."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format

from portal.charts import Chart
from portal.formats import local_date


@dataclass(frozen=True)
class Panel:
    id: str
    title: str
    chart: Chart
    list_url: str  # the filtered list this panel summarises
    list_label: str
    list_kind: str  # a kind of list registered with portal.dashboards.registry.register_list
    note: str = ""  # what the date range means for this panel, or what is left out

    @property
    def empty(self) -> bool:
        """No non-zero figure in any of the chart's series (the table's extra columns aside)."""
        series = len(self.chart.legend) or 1
        cells = (cell for row in self.chart.table.rows for cell in row.cells[:series])
        return not any(ch in "123456789" for cell in cells for ch in cell)


def list_url(name: str, *, kwargs: dict | None = None, **query) -> str:
    query = {k: v for k, v in query.items() if v not in ("", None)}
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first of each month from start's month to end's."""
    day, result = start.replace(day=1), []
    while day <= end:
        result.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return result


def month_label(month: datetime.date) -> str:
    return date_format(month, "M Y")


def range_text(start: datetime.date, end: datetime.date) -> str:
    return f"{local_date(start)} to {local_date(end)}"
