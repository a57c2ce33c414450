"""Reads for many people: who a policy covers, compliance for a viewer, by command unit and over time (cached)."""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from policy import permissions
from policy.models import Acknowledgement, ComplianceStatus, Policy, PolicyVersion
from policy.selectors.person import current_and_required
from portal.models import User
from portal.selectors import team_of
from portal.tables import Cached, read_cached


# --- Many people -----------------------------------------------------------------------------
def people_covered(*, policy: Policy) -> QuerySet[User]:
    """Everyone still serving whom the policy covers."""
    people = User.objects.filter(is_active=True)
    if policy.audience == Policy.Audience.ROLES:
        holds_role = User.groups.through.objects.filter(user=OuterRef("pk"), group__policies=policy)
        people = people.filter(Exists(holds_role))
    return people


def with_compliance(
    people: QuerySet[User], *, policy: Policy, current: PolicyVersion, required: PolicyVersion
) -> QuerySet[User]:
    """Annotate each person, in the database, with where they stand: status, up_to_date,
    last_accepted_number and last_accepted_at."""
    acks = Acknowledgement.objects.filter(
        user=OuterRef("pk"), version__policy=policy, version__number__lte=current.number
    ).order_by()
    latest = acks.order_by("-version__number")
    return people.annotate(
        accepted_current=Exists(acks.filter(version=current)),
        up_to_date=Exists(acks.filter(version__number__gte=required.number)),
        last_accepted_number=Subquery(latest.values("version__number")[:1]),
        last_accepted_at=Subquery(latest.values("accepted_at")[:1]),
        status=Case(
            When(accepted_current=True, then=Value(ComplianceStatus.ACCEPTED_CURRENT)),
            When(last_accepted_number__isnull=False, then=Value(ComplianceStatus.ACCEPTED_OLDER)),
            default=Value(ComplianceStatus.NEVER),
            output_field=CharField(),
        ),
    )


def people_outstanding(
    *, policy: Policy, current: PolicyVersion, required: PolicyVersion, joined_by: datetime.datetime
) -> QuerySet[User]:
    """People the policy covers who are not up to date and who had joined by `joined_by`."""
    people = people_covered(policy=policy).filter(date_joined__lte=joined_by)
    return with_compliance(people, policy=policy, current=current, required=required).filter(up_to_date=False)


@dataclass(frozen=True)
class Compliance:
    """One policy's compliance as one viewer may see it."""

    policy: Policy
    current: PolicyVersion
    required: PolicyVersion
    people: QuerySet[User]  # annotated by with_compliance
    everyone: bool  # False: a supervisor's own team


def policy_compliance(*, viewer: User, policy: Policy, now: datetime.datetime | None = None) -> Compliance | None:
    """The people this viewer may see (Data Office: everyone covered; a supervisor: their own
    team), each annotated with their status. None before any version is in effect."""
    versions = current_and_required(policy=policy, now=now, kept=True)
    if versions is None:
        return None
    current, required = versions
    people = people_covered(policy=policy)
    everyone = permissions.sees_everyones_compliance(viewer)
    if not everyone:
        people = people.filter(pk__in=team_of(supervisor=viewer).values("pk"))
    people = with_compliance(people, policy=policy, current=current, required=required)
    return Compliance(
        policy=policy,
        current=current,
        required=required,
        people=people.select_related("supervisor").order_by("last_name", "first_name", "payroll_number"),
        everyone=everyone,
    )


@dataclass(frozen=True)
class UnitSummary:
    command_unit: str
    people: int
    accepted_current: int
    accepted_older: int
    never: int
    up_to_date: int

    @property
    def percent_up_to_date(self) -> int:
        return _percent(self.up_to_date, self.people)

    @property
    def percent_accepted_current(self) -> int:
        return _percent(self.accepted_current, self.people)


def _percent(part: int, whole: int) -> int:
    """Rounded down, so 99.6% never shows as a reassuring 100%."""
    return math.floor(100 * part / whole) if whole else 0


def _one_pass_status(people: QuerySet[User], *, compliance: Compliance) -> QuerySet[User]:
    """`people` annotated with one_pass_status and one_pass_up_to_date, for counting many people.

    The same answers as with_compliance's status and up_to_date, but each tests the person's id
    against the ids of those who accepted (`id IN (SELECT user_id ...)`, not correlated):
    PostgreSQL reads the acknowledgements once per expression and probes a hash for each person,
    where the correlated form runs its subqueries once per person (50,000 people)."""
    accepted = Acknowledgement.objects.filter(
        version__policy=compliance.policy, version__number__lte=compliance.current.number
    ).order_by()
    accepted_current = Q(pk__in=accepted.filter(version=compliance.current).values("user_id"))
    up_to_date = Q(pk__in=accepted.filter(version__number__gte=compliance.required.number).values("user_id"))
    return people.annotate(
        one_pass_up_to_date=up_to_date,
        one_pass_status=Case(
            When(accepted_current, then=Value(ComplianceStatus.ACCEPTED_CURRENT)),
            When(Q(pk__in=accepted.values("user_id")), then=Value(ComplianceStatus.ACCEPTED_OLDER)),
            default=Value(ComplianceStatus.NEVER),
            output_field=CharField(),
        ),
    )


def compliance_by_command_unit(*, compliance: Compliance) -> list[UnitSummary]:
    """One row per command unit (one query, however many people): grouped by (unit, status,
    up to date) in one pass over the people (see _one_pass_status) and folded here."""
    rows = (
        _one_pass_status(compliance.people.order_by(), compliance=compliance)
        .values("command_unit", "one_pass_status", "one_pass_up_to_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units: dict[str, dict[str, int]] = {}
    for row in rows:
        unit = units.setdefault(row["command_unit"], {"total": 0, "current": 0, "older": 0, "never": 0, "ok": 0})
        unit["total"] += row["n"]
        if row["one_pass_status"] == ComplianceStatus.ACCEPTED_CURRENT:
            unit["current"] += row["n"]
        elif row["one_pass_status"] == ComplianceStatus.ACCEPTED_OLDER:
            unit["older"] += row["n"]
        elif row["one_pass_status"] == ComplianceStatus.NEVER:
            unit["never"] += row["n"]
        if row["one_pass_up_to_date"]:
            unit["ok"] += row["n"]
    return [
        UnitSummary(
            command_unit=name or "(none recorded)",
            people=c["total"],
            accepted_current=c["current"],
            accepted_older=c["older"],
            never=c["never"],
            up_to_date=c["ok"],
        )
        for name, c in sorted(units.items())
    ]


def compliance_total(summaries: list[UnitSummary]) -> UnitSummary:
    return UnitSummary(
        command_unit="All",
        people=sum(s.people for s in summaries),
        accepted_current=sum(s.accepted_current for s in summaries),
        accepted_older=sum(s.accepted_older for s in summaries),
        never=sum(s.never for s in summaries),
        up_to_date=sum(s.up_to_date for s in summaries),
    )


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    up_to_date: int  # people up to date by the end of this day
    people: int

    @property
    def percent(self) -> int:
        return _percent(self.up_to_date, self.people)


def compliance_over_time(
    *, compliance: Compliance, people: int, now: datetime.datetime | None = None, max_points: int = 31
) -> list[DayCount]:
    """How many of today's `people` were up to date at the end of each day since the required
    version took effect (one query). Long spans are sampled evenly, ending today."""
    today = timezone.localdate(now)
    start = timezone.localdate(compliance.required.starts_at)
    in_range = Acknowledgement.objects.filter(
        version__policy=compliance.policy,
        version__number__gte=compliance.required.number,
        version__number__lte=compliance.current.number,
    ).order_by()
    # Each person's first acceptance in the range: no earlier one of theirs (ties broken by id).
    # NOT EXISTS in WHERE is planned as one anti-join, not a subquery per person.
    earlier = in_range.filter(user=OuterRef("user")).filter(
        Q(accepted_at__lt=OuterRef("accepted_at")) | Q(accepted_at=OuterRef("accepted_at"), pk__lt=OuterRef("pk"))
    )
    per_day = (
        in_range.filter(user__in=compliance.people.order_by().values("pk"))
        .filter(~Exists(earlier))
        .annotate(day=TruncDate("accepted_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts: dict[datetime.date, int] = {}
    for day, n in per_day:
        day = max(day, start)  # accepted before the version took effect: up to date from its first day
        counts[day] = counts.get(day, 0) + n
    span = max((today - start).days, 0)
    step = max(math.ceil((span + 1) / max_points), 1)
    points, running, day = [], 0, start
    sample_days = sorted({start + datetime.timedelta(days=d) for d in range(span, -1, -step)})
    for sample in sample_days:
        while day <= sample:
            running += counts.get(day, 0)
            day += datetime.timedelta(days=1)
        points.append(DayCount(day=sample, up_to_date=running, people=people))
    return points


# --- Cached for the compliance pages ----------------------------------------------------------
def _cache_seconds() -> int:
    # As the dashboards: never stale by more than a minute, whatever the setting says.
    return max(0, min(int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 30)), 60))


def _cached(key: str, compute):
    return Cached(key, _cache_seconds(), compute).get()


def _cache_key(compliance: Compliance, viewer: User) -> str:
    who = "all" if compliance.everyone else f"team-{viewer.pk}"
    return f"compliance:{compliance.policy.pk}:{compliance.current.pk}-{compliance.required.pk}:{who}"


def compliance_by_command_unit_cached(*, compliance: Compliance, viewer: User) -> list[UnitSummary]:
    """compliance_by_command_unit for policy_compliance(viewer=viewer, ...), cached for
    DASHBOARD_CACHE_SECONDS per policy version and viewer scope, as the dashboards' aggregates
    are: over 50,000 people it is the page's dearest query. The table stays live."""
    return _cached(_cache_key(compliance, viewer), lambda: compliance_by_command_unit(compliance=compliance))


def compliance_summary_kept(*, compliance: Compliance, viewer: User) -> Cached:
    """Where the compliance page keeps its summary as rendered (policy.views), beside the figures
    and as long: read in their round trip (compliance_figures_cached's `also`), never worked out
    here (the view renders it and keeps it with the figures it was rendered from)."""
    return Cached(f"{_cache_key(compliance, viewer)}:summary", _cache_seconds())


@dataclass(frozen=True)
class ComplianceFigures:
    """What the compliance page shows above its table, kept as compliance_figures_cached says."""

    units: list[UnitSummary]
    total: UnitSummary
    points: list[DayCount]
    also: list  # the values of `also`, in order


def compliance_figures_cached(*, compliance: Compliance, viewer: User, also: list[Cached] = ()) -> ComplianceFigures:
    """The summary by command unit (kept as compliance_by_command_unit_cached keeps it) and the
    chart's points (kept as long, per day, for the summary's number of people), with any other
    values the page keeps (`also`: the filter's choices): all read from the cache in one round trip,
    not one a value. The table stays live."""
    seconds = _cache_seconds()
    units_key = _cache_key(compliance, viewer)
    points_key = f"{units_key}:over-time:{timezone.localdate():%Y%m%d}"
    # The points come with the number of people they were worked out for: a summary worked out
    # since, for more or fewer people, works them out again (as a key naming the number did).
    units, kept_points, *also_values = read_cached(
        [
            Cached(units_key, seconds, lambda: compliance_by_command_unit(compliance=compliance)),
            Cached(points_key, seconds),
            *also,
        ]
    )
    total = compliance_total(units)
    if kept_points is None or kept_points[0] != total.people:
        kept_points = (total.people, compliance_over_time(compliance=compliance, people=total.people))
        if seconds:
            cache.set(points_key, kept_points, seconds)
    return ComplianceFigures(units=units, total=total, points=kept_points[1], also=also_values)
