"""The dashboard's device and leaver numbers: aggregates computed in the database, one query
each, whatever the size of the estate. A command unit or a supervisor's team narrows devices to
those their people hold (or held when lost) and cases to those people's."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from devices.models import (
    Assignment,
    Device,
    DeviceEvent,
    DeviceLoss,
    DeviceModel,
    LeaverCase,
    LeaverLine,
    Loan,
    RemoteAction,
)
from portal.models import User
from portal.timers import current_time

# Devices that are no longer part of the estate to be refreshed.
GONE = [Device.Status.DISPOSED, Device.Status.LOST, Device.Status.STOLEN]


def people_in_scope(prefix: str, *, unit: str, supervisor: User | None) -> Q:
    """People (through `prefix`, e.g. "holder__") in `unit` and/or the supervisor's team."""
    condition = Q()
    if unit:
        condition &= Q(**{f"{prefix}command_unit": unit})
    if supervisor is not None:
        condition &= Q(**{f"{prefix}supervisor": supervisor})
    return condition


def devices_for_dashboard(*, unit: str = "", supervisor: User | None = None) -> QuerySet[Device]:
    """The estate, or the devices held now by people in `unit` / the supervisor's team."""
    devices = Device.objects.order_by()
    if unit or supervisor is not None:
        held = Assignment.objects.filter(
            people_in_scope("holder__", unit=unit, supervisor=supervisor),
            device=OuterRef("pk"),
            returned_at__isnull=True,
        )
        devices = devices.filter(Exists(held))
    return devices


def estate_by(devices: QuerySet[Device], field: str) -> list[tuple[str, int]]:
    """(value, count) for `status`, `model__kind`, or `model` (as "make model"), largest first."""
    if field == "model":
        rows = devices.values("model__make", "model__model_name").annotate(n=Count("pk"))
        pairs = [(f"{r['model__make']} {r['model__model_name']}", r["n"]) for r in rows]
    else:
        pairs = [(r[field], r["n"]) for r in devices.values(field).annotate(n=Count("pk"))]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def issues_and_returns_by_day(
    *, start: datetime.datetime, end: datetime.datetime, unit: str = "", supervisor: User | None = None
) -> dict[tuple[datetime.date, str], tuple[int, int]]:
    """{(local day, Tech Bar name): (issues, returns)} over [start, end)."""
    events = DeviceEvent.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        kind__in=[DeviceEvent.Kind.ISSUED, DeviceEvent.Kind.RETURNED],
        tech_bar__isnull=False,
    ).filter(people_in_scope("holder__", unit=unit, supervisor=supervisor))
    rows = (
        events.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "tech_bar__name")
        .annotate(
            issues=Count("pk", filter=Q(kind=DeviceEvent.Kind.ISSUED)),
            returns=Count("pk", filter=Q(kind=DeviceEvent.Kind.RETURNED)),
        )
        .order_by("day", "tech_bar__name")
    )
    return {(r["day"], r["tech_bar__name"]): (r["issues"], r["returns"]) for r in rows}


def past_end_of_life_by_model(devices: QuerySet[Device], *, today: datetime.date) -> list[tuple[str, int]]:
    """Devices still in the estate whose end-of-life date has passed, per model."""
    rows = (
        devices.exclude(status__in=GONE)
        .filter(end_of_life_date__lt=today)
        .values("model__make", "model__model_name")
        .annotate(n=Count("pk"))
        .order_by("model__make", "model__model_name")
    )
    return [(f"{r['model__make']} {r['model__model_name']}", r["n"]) for r in rows]


# Age of an open remote action, in hours: (label, from, to); None is unbounded.
AGE_BANDS = [
    ("Under 1 hour", 0, 1),
    ("1 to 4 hours", 1, 4),
    ("4 to 24 hours", 4, 24),
    ("24 hours or more", 24, None),
]
OPEN_ACTION = [RemoteAction.Status.REQUESTED, RemoteAction.Status.SENT]


def open_remote_actions_by_age(
    *, start: datetime.datetime, end: datetime.datetime, unit: str = "", supervisor: User | None = None
) -> dict[str, dict[str, int]]:
    """{kind: {age band: count, "oldest": requested_at}} for SIM blocks and wipes not yet done or
    failed, requested in [start, end)."""
    now = current_time()
    actions = RemoteAction.objects.filter(status__in=OPEN_ACTION, requested_at__gte=start, requested_at__lt=end)
    if unit or supervisor is not None:
        people = people_in_scope("holder__", unit=unit, supervisor=supervisor)
        held = Assignment.objects.filter(people, device=OuterRef("device"), returned_at__isnull=True)
        lost_by = DeviceLoss.objects.filter(people, pk=OuterRef("loss"))
        actions = actions.filter(Exists(held) | Exists(lost_by))
    bands = {}
    for i, (_label, low, high) in enumerate(AGE_BANDS):
        condition = Q(requested_at__lte=now - datetime.timedelta(hours=low))
        if high is not None:
            condition &= Q(requested_at__gt=now - datetime.timedelta(hours=high))
        bands[f"band_{i}"] = Count("pk", filter=condition)
    rows = actions.order_by().values("kind").annotate(oldest=Min("requested_at"), **bands)
    result = {kind: {label: 0 for label, _, _ in AGE_BANDS} | {"oldest": None} for kind in RemoteAction.Kind.values}
    for row in rows:
        result[row["kind"]] = {label: row[f"band_{i}"] for i, (label, _, _) in enumerate(AGE_BANDS)} | {
            "oldest": row["oldest"]
        }
    return result


def losses_by_month(
    *, start: datetime.datetime, end: datetime.datetime, unit: str = "", supervisor: User | None = None
) -> dict[tuple[datetime.date, str], int]:
    """{(first of the local month, "lost"/"stolen"): count} of devices reported lost or stolen."""
    rows = (
        DeviceLoss.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .filter(people_in_scope("holder__", unit=unit, supervisor=supervisor))
        .annotate(month=TruncMonth("reported_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {(_as_date(r["month"]), r["kind"]): r["n"] for r in rows}


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def financial_year(day: datetime.date) -> int:
    """The year a financial year (April to March) starts in: 2026 for 1 Apr 2026 to 31 Mar 2027."""
    return day.year if day.month >= 4 else day.year - 1


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Forecast:
    years: dict[int, tuple[int, Decimal]]  # financial year -> (units due, cost)
    not_forecast: int  # devices whose model has no expected life or cost, or with no dates


def refresh_forecast(devices: QuerySet[Device], *, today: datetime.date, years: int = 5) -> Forecast:
    """Devices due for replacement in each financial year from this one: due at their end-of-life
    date, or else at purchase plus the model's expected life. Anything already due counts in this
    year. The database groups devices by model and month (a few hundred groups for the whole
    estate); only the month arithmetic is done on those groups."""
    in_service = devices.exclude(status__in=GONE)
    costed = Q(model__unit_cost__isnull=False, model__expected_life_months__isnull=False)
    dated = Q(end_of_life_date__isnull=False) | Q(purchase_date__isnull=False)
    groups = (
        in_service.filter(costed & dated)
        .annotate(
            eol_month=TruncMonth("end_of_life_date"),
            bought_month=TruncMonth("purchase_date"),
        )
        .values("eol_month", "bought_month", life=F("model__expected_life_months"), cost=F("model__unit_cost"))
        .annotate(n=Count("pk"))
    )
    first = financial_year(today)
    totals: dict[int, list] = defaultdict(lambda: [0, Decimal("0")])
    for group in groups:
        due = _as_date(group["eol_month"]) or _add_months(_as_date(group["bought_month"]), group["life"])
        year = max(financial_year(due), first)
        if year < first + years:
            totals[year][0] += group["n"]
            totals[year][1] += group["n"] * group["cost"]
    not_forecast = in_service.exclude(costed & dated).count()
    return Forecast(
        years={y: tuple(totals[y]) if y in totals else (0, Decimal("0")) for y in range(first, first + years)},
        not_forecast=not_forecast,
    )


# --- Leavers ---------------------------------------------------------------------------------
def leaver_cases_for_dashboard(
    *, start: datetime.datetime, end: datetime.datetime, unit: str = "", supervisor: User | None = None
) -> QuerySet[LeaverCase]:
    """Open leaver cases opened in [start, end), for people in `unit` / the supervisor's team."""
    cases = LeaverCase.objects.filter(status=LeaverCase.Status.OPEN, opened_at__gte=start, opened_at__lt=end)
    return cases.filter(people_in_scope("person__", unit=unit, supervisor=supervisor)).order_by()


# Leaving date against today, in days: (label, from, to); None is unbounded.
LEAVING_BANDS = [
    ("Leaving date passed", None, 0),
    ("Leaving in the next 7 days", 0, 8),
    ("Leaving in 8 to 30 days", 8, 31),
    ("Leaving in more than 30 days", 31, None),
]


def open_cases_by_leaving_date(cases: QuerySet[LeaverCase], *, today: datetime.date) -> dict[str, int]:
    bands = {}
    for i, (_label, low, high) in enumerate(LEAVING_BANDS):
        condition = Q()
        if low is not None:
            condition &= Q(leaving_date__gte=today + datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(leaving_date__lt=today + datetime.timedelta(days=high))
        bands[f"band_{i}"] = Count("pk", filter=condition)
    row = cases.aggregate(**bands)
    return {label: row[f"band_{i}"] for i, (label, _, _) in enumerate(LEAVING_BANDS)}


def overdue_cases_by_unit(cases: QuerySet[LeaverCase], *, today: datetime.date) -> list[tuple[str, int]]:
    """Open cases past the leaving date with items still out (as the leaver list's "overdue")."""
    outstanding = LeaverLine.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    rows = (
        cases.filter(Exists(outstanding), leaving_date__lt=today)
        .values(unit=F("person__command_unit"))
        .annotate(n=Count("pk"))
        .order_by("unit")
    )
    return [(r["unit"], r["n"]) for r in rows]


def items_outstanding_by_kind(cases: QuerySet[LeaverCase]) -> list[tuple[str, int]]:
    """Items still out on open cases: devices by kind of device, other property by its kind."""
    lines = LeaverLine.objects.filter(case__in=cases, ended_at__isnull=True).order_by()
    devices = lines.filter(assignment__isnull=False).values(name=F("assignment__device__model__kind"))
    property_items = lines.filter(property_kind__isnull=False).values(name=F("property_kind__name"))
    kinds = dict(DeviceModel.Kind.choices)
    rows = [(kinds.get(r["name"], r["name"]), r["n"]) for r in devices.annotate(n=Count("pk"))]
    rows += [(r["name"], r["n"]) for r in property_items.annotate(n=Count("pk"))]
    return sorted(rows, key=lambda p: (-p[1], p[0]))


# Bands of days overdue for the loans panel: (label, at least, below).
LOAN_OVERDUE_BANDS = [("1 to 2 days", 1, 3), ("3 to 6 days", 3, 7), ("A week or more", 7, None)]


def loans_overdue_by_tech_bar(
    *, today: datetime.date, unit: str = "", supervisor: User | None = None
) -> list[tuple[str, dict[str, int]]]:
    """[(Tech Bar name, {band label: loans})] of open loans past their due-back date, by the Tech
    Bar that lent them and how many days overdue, most overdue Tech Bar first. One query."""
    bands = {
        label: Count(
            "pk",
            filter=Q(due_back__lte=today - datetime.timedelta(days=least))
            & (Q() if below is None else Q(due_back__gt=today - datetime.timedelta(days=below))),
        )
        for label, least, below in LOAN_OVERDUE_BANDS
    }
    rows = (
        Loan.objects.filter(people_in_scope("holder__", unit=unit, supervisor=supervisor))
        .filter(ended_at__isnull=True, due_back__lt=today)
        .order_by()
        .values("tech_bar__name")
        .annotate(total=Count("pk"), **{f"band{n}": count for n, count in enumerate(bands.values())})
        .order_by("-total", "tech_bar__name")
    )
    return [(row["tech_bar__name"], {label: row[f"band{n}"] for n, label in enumerate(bands)}) for row in rows]
