"""How Kitbag writes dates and times: "24 Nov 2026 20:28", 24-hour, in local time (Europe/London).

The formats live in `en_GB/formats.py` (settings.FORMAT_MODULE_PATH): Django 5 always localises, so
a locale's own formats win over settings.DATETIME_FORMAT, and en-GB's are 12-hour ("8:28 p.m.").
Templates get them from `{{ value }}` and `|date`, django-tables2 and the admin use them as they are.
"""

from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language

# Format characters that read nothing finer than the minute and no time zone: text made with only
# these is the same for every instant in one local minute, so it can be remembered.
_MINUTE_CHARACTERS = frozenset("dDjlNSwzWFmMnyYLotgGhHiAaP")


def cached_date_format(value: date | datetime, format_string: str = "DATE_FORMAT") -> str:
    """date_format(value, format_string) for a calendar date, or for a time shown to the minute,
    remembered: a list page formats the same dates and minutes row after row, and
    each date_format call parses its format again (~50 µs). Anything else is formatted afresh."""
    language = get_language()
    if type(value) is date:
        return _formatted(value, format_string, language)
    if isinstance(value, datetime) and _to_the_minute(get_format(format_string)):
        # The text depends on the wall-clock time in the value's own zone only (as date_format's does).
        return _formatted(value.replace(second=0, microsecond=0, tzinfo=None), format_string, language)
    return date_format(value, format_string)


def _to_the_minute(pattern: str) -> bool:
    return "\\" not in pattern and _MINUTE_CHARACTERS.issuperset(filter(str.isalpha, pattern))


@lru_cache(maxsize=8192)
def _formatted(value, format_string: str, language: str) -> str:
    return date_format(value, format_string)


def local_datetime(value: datetime | None) -> str:
    """An instant as people read it here: "24 Nov 2026 20:28", in local time; "" for None."""
    if value is None:
        return ""
    return cached_date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")


def local_date(value: date | None) -> str:
    """A calendar date as people read it here: "24 Nov 2026"; "" for None."""
    return cached_date_format(value, "DATE_FORMAT") if value is not None else ""
