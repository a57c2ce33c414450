"""Local time for the whole site: what a typed Europe/London wall-clock time means (once, twice
or never, on the nights the clocks change) and how an instant is shown to people."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from django.utils import timezone
from django.utils.formats import date_format

DISPLAY_FORMAT = "j M Y H:i"


@dataclass(frozen=True)
class WallTime:
    """One wall-clock reading in a zone, and the instants it names: one usually, two in the hour
    repeated when the clocks go back, none in the hour skipped when they go forward."""

    naive: datetime
    zone: tzinfo

    @property
    def instants(self) -> tuple[datetime, ...]:
        first = self.naive.replace(tzinfo=self.zone, fold=0)
        second = self.naive.replace(tzinfo=self.zone, fold=1)
        if not self._exists(first) and not self._exists(second):
            return ()
        if first.utcoffset() == second.utcoffset():
            return (first,)
        return (first, second)

    @property
    def is_ambiguous(self) -> bool:
        return len(self.instants) == 2

    @property
    def is_missing(self) -> bool:
        return not self.instants

    def _exists(self, moment: datetime) -> bool:
        return moment.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) == self.naive

    def missing_hour(self) -> tuple[datetime, datetime]:
        """For a missing time: the skipped stretch of wall-clock time, start and end (naive)."""
        start = self.naive.replace(second=0, microsecond=0)
        while WallTime(start - timedelta(minutes=1), self.zone).is_missing:
            start -= timedelta(minutes=1)
        first = self.naive.replace(tzinfo=self.zone, fold=0)
        second = self.naive.replace(tzinfo=self.zone, fold=1)
        return start, start + abs(second.utcoffset() - first.utcoffset())


def wall_time(naive: datetime, zone: tzinfo | None = None) -> WallTime:
    return WallTime(naive=naive.replace(tzinfo=None, fold=0), zone=zone or timezone.get_current_timezone())


def offset_text(moment: datetime) -> str:
    """An aware datetime's UTC offset as ISO 8601 writes it: "+01:00", "+00:00"."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_time(moment: datetime | None) -> str:
    """Local time, 24-hour, with the zone's abbreviation, as in "25 Oct 2026 01:30 BST": a time on
    a clock-change night, or a deadline 12 real hours away across one, is never unclear."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{date_format(local, DISPLAY_FORMAT)} {local.tzname()}"
