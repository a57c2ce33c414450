"""portal.formats.cached_date_format gives what date_format gives, remembered or not: dates, times to
the minute in any zone (either side of a clock change), and formats it must not remember."""

import datetime
import zoneinfo

import pytest
from django.utils.formats import date_format

from portal.formats import cached_date_format

LONDON = zoneinfo.ZoneInfo("Europe/London")
VALUES = [
    datetime.date(2026, 3, 29),
    datetime.date(2024, 2, 29),
    datetime.datetime(2026, 3, 29, 0, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 29, 1, 0, 1, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON),
    datetime.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),
    datetime.datetime(2026, 6, 10, 9, 0, 7),
]
FORMATS = ["DATE_FORMAT", "DATETIME_FORMAT", "j M Y", "j M Y H:i", "D jS F Y, P", "H:i:s", "j M Y T", "c", r"\d j"]


@pytest.mark.parametrize("format_string", FORMATS)
@pytest.mark.parametrize("value", VALUES)
def test_the_text_is_date_formats(value, format_string):
    if type(value) is datetime.date and format_string not in ("DATE_FORMAT", "j M Y", r"\d j"):
        pytest.skip("a date has no time to show")
    expected = date_format(value, format_string)
    assert cached_date_format(value, format_string) == expected
    assert cached_date_format(value, format_string) == expected  # and when remembered


def test_seconds_are_never_remembered_as_the_minute():
    first = datetime.datetime(2026, 6, 10, 9, 0, 1, tzinfo=datetime.UTC)
    assert cached_date_format(first, "H:i:s") == "09:00:01"
    assert cached_date_format(first.replace(second=2), "H:i:s") == "09:00:02"
