"""The Data Office dashboard's incident numbers: every figure is an aggregate computed in the
database (one query each, whatever the number of incidents)."""

import datetime
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from incidents.models import BreachKind, Incident
from incidents.selectors import Timeliness, incidents_with_deadlines
from portal.models import User
from portal.timers import current_time


def incidents_for_dashboard(
    *, start: datetime.datetime, end: datetime.datetime, unit: str = "", supervisor: User | None = None
) -> QuerySet[Incident]:
    """Incidents whose awareness falls in [start, end), reported by someone in `unit` (any when
    blank) and, for a supervisor's slice, by someone they supervise."""
    incidents = Incident.objects.filter(aware_at__gte=start, aware_at__lt=end)
    if unit:
        incidents = incidents.filter(reporter__command_unit=unit)
    if supervisor is not None:
        incidents = incidents.filter(reporter__supervisor=supervisor)
    return incidents.order_by()


def open_by_timeliness(incidents: QuerySet[Incident]) -> dict[str, int]:
    """Open incidents by where they stand against their next deadline (the queue's own states)."""
    rows = (
        incidents_with_deadlines(incidents.exclude(status=Incident.Status.CLOSED))
        .order_by()
        .values("timeliness")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Timeliness.values, 0)
    counts.update({row["timeliness"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class MonthShare:
    month: datetime.date
    within: int  # full report in by its 12-hour deadline
    known: int  # reports in, or past their deadline: whether they were on time is known

    @property
    def percent(self) -> int:
        return math.floor(100 * self.within / self.known) if self.known else 0


def reported_within_12_hours_by_month(incidents: QuerySet[Incident]) -> dict[datetime.date, MonthShare]:
    """Per month of awareness (local time), how many full reports came in within 12 hours of
    awareness, out of those whose outcome is known (submitted, or already past the deadline)."""
    now = current_time()
    known = Q(submitted_at__isnull=False) | Q(due_at__lte=now)
    rows = (
        incidents.filter(known)
        .annotate(month=TruncMonth("aware_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(known=Count("pk"), within=Count("pk", filter=Q(submitted_at__lte=F("due_at"))))
        .order_by("month")
    )
    result = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
        result[month] = MonthShare(month=month, within=row["within"], known=row["known"])
    return result


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between the nearest ranks)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _interpolate(ordered: list[float], fraction: float) -> float:
    """The same answer as PERCENTILE_CONT on an ordered list."""
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class ReportDelay:
    reports: int
    median_hours: float | None
    p90_hours: float | None


def awareness_to_report(incidents: QuerySet[Incident]) -> ReportDelay:
    """Median and 90th percentile of the time from awareness to the full report, in hours.

    On PostgreSQL both come from one PERCENTILE_CONT query. Elsewhere (SQLite in development) the
    durations alone are fetched, ordered by the database, and interpolated the same way: one
    number per submitted report, which is fine for a laptop's data but not for production."""
    submitted = incidents.filter(submitted_at__isnull=False)
    if connection.vendor == "postgresql":
        seconds = ExpressionWrapper(F("submitted_at") - F("aware_at"), output_field=DurationField())
        epoch = Func(seconds, template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField())
        row = submitted.aggregate(n=Count("pk"), median=PercentileCont(epoch, 0.5), p90=PercentileCont(epoch, 0.9))
        to_hours = lambda s: None if s is None else round(s / 3600, 1)  # noqa: E731
        return ReportDelay(reports=row["n"], median_hours=to_hours(row["median"]), p90_hours=to_hours(row["p90"]))
    delay = ExpressionWrapper(F("submitted_at") - F("aware_at"), output_field=DurationField())
    ordered = [
        d.total_seconds() / 3600
        for d in submitted.annotate(delay=delay).order_by("delay").values_list("delay", flat=True)
    ]
    if not ordered:
        return ReportDelay(reports=0, median_hours=None, p90_hours=None)
    return ReportDelay(
        reports=len(ordered),
        median_hours=round(_interpolate(ordered, 0.5), 1),
        p90_hours=round(_interpolate(ordered, 0.9), 1),
    )


# Time left on the 72-hour decision clock, in hours: (label, from, to); None is unbounded.
DECISION_BANDS = [
    ("Overdue", None, 0),
    ("Under 12 hours left", 0, 12),
    ("12 to 24 hours left", 12, 24),
    ("24 to 48 hours left", 24, 48),
    ("48 hours or more left", 48, None),
]


def decisions_pending_by_time_left(incidents: QuerySet[Incident]) -> dict[str, int]:
    """Open incidents whose 72-hour regulator decision is still to be made, by time left."""
    now = current_time()
    pending = incidents.exclude(status=Incident.Status.CLOSED).filter(
        decision_due_at__isnull=False, decision__isnull=True
    )
    counts = {}
    for i, (_label, low, high) in enumerate(DECISION_BANDS):
        condition = Q()
        if low is not None:
            condition &= Q(decision_due_at__gt=now + datetime.timedelta(hours=low))
        if high is not None:
            condition &= Q(decision_due_at__lte=now + datetime.timedelta(hours=high))
        counts[f"band_{i}"] = Count("pk", filter=condition)
    row = pending.aggregate(**counts)
    return {label: row[f"band_{i}"] for i, (label, _, _) in enumerate(DECISION_BANDS)}


NOT_STATED = "not_stated"


def by_unit_and_breach_kind(incidents: QuerySet[Incident]) -> list[dict]:
    """Per reporter's command unit: how many incidents, and how many of each kind of breach (a
    report may name several kinds, so the kinds need not add up to the total)."""
    kinds = {kind: Count("pk", filter=Q(breach_kinds__icontains=f'"{kind}"')) for kind in BreachKind.values}
    return list(
        incidents.values(unit=F("reporter__command_unit"))
        .annotate(total=Count("pk"), **kinds, **{NOT_STATED: Count("pk", filter=Q(breach_kinds=[]))})
        .order_by("unit")
    )
