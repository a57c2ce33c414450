"""How Kitbag writes dates and times: "24 Nov 2026 20:28", 24-hour, in local time (Europe/London).

The formats live in `en_GB/formats.py` (settings.FORMAT_MODULE_PATH): Django 5 always localises, so
a locale's own formats win over settings.DATETIME_FORMAT, and en-GB's are 12-hour ("8:28 p.m.").
Templates get them from `{{ value }}` and `|date`, django-tables2 and the admin use them as they are.
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format


def local_datetime(value: datetime | None) -> str:
    """An instant as people read it here: "24 Nov 2026 20:28", in local time; "" for None."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")


def local_date(value: date | None) -> str:
    """A calendar date as people read it here: "24 Nov 2026"; "" for None."""
    return date_format(value, "DATE_FORMAT") if value is not None else ""
