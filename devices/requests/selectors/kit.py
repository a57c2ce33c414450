"""Reads of kit entitlements and requests: kit gaps, and the requests a user may see."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from devices.core.models import Assignment, DeviceModel
from devices.dashboard_selectors import people_in_scope
from devices.permissions import can_view_device_request
from devices.requests import entitlements
from devices.requests.models import DeviceRequest
from portal.models import Role, User
from portal.permissions import NotYours, has_role, is_data_office, is_tech_bar
from portal.timers import current_time

KIND_LABELS = dict(DeviceModel.Kind.choices)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def kit_gaps_visible_people(*, user) -> QuerySet[User]:
    """Whose kit `user` may look at: everyone for Tech Bar staff, Data Office reviewers and
    Portal admins; a supervisor's own team (people whose supervisor they are); nobody else."""
    people = User.objects.filter(is_active=True)
    if not _signed_in(user):
        return people.none()
    if is_tech_bar(user) or is_data_office(user):
        return people
    if has_role(user, Role.SUPERVISOR):
        return people.filter(supervisor=user)
    return people.none()


def _last_return(kind: str):
    """When the outer person last handed back a device of `kind` (None if never)."""
    returns = (
        Assignment.objects.filter(holder=OuterRef("pk"), returned_at__isnull=False, device__model__kind=kind)
        .order_by()
        .values("holder")
        .annotate(at=Max("returned_at"))
        .values("at")
    )
    return Subquery(returns)


def kit_gaps(*, user, filters: Mapping | None = None) -> QuerySet[User]:
    """People who lack part of their standard kit, of those `user` may see (see
    kit_gaps_visible_people), still here (no leaving date passed). Each row carries, per kind in
    any entitlement, `entitled_<kind>`, `held_<kind>` (working devices: a retired model is a
    gap) and `since_<kind>` (their last hand-back of one, else when they joined); `gaps_of(row)`
    lists them. Two queries whatever the number of people: the entitlements, then the list.

    filters (all optional): kind (lacking that kind), team, command_unit, q (name or number)."""
    filters = filters or {}
    table = entitlements.load()
    kinds = [kind for kind in entitlements.KINDS if table.get(kind)]
    only = filters.get("kind") or ""
    if only:
        kinds = [kind for kind in kinds if kind == only]
    people = kit_gaps_visible_people(user=user).exclude(leaving_date__lt=timezone.localdate())
    if not kinds:
        return people.none()
    for field in ("team", "command_unit"):
        if filters.get(field):
            people = people.filter(**{field: filters[field]})
    if filters.get("q"):
        words = str(filters["q"]).split()
        for word in words:
            people = people.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(payroll_number__iexact=word)
            )
    return (
        _lacking_kit(people, table, kinds)
        .annotate(**{f"since_{kind}": Coalesce(_last_return(kind), F("date_joined")) for kind in kinds})
        .select_related("supervisor")
        .order_by("last_name", "first_name", "payroll_number")
    )


def _lacking_kit(people: QuerySet[User], table, kinds: list[str]) -> QuerySet[User]:
    """`people` who hold fewer working devices of one of `kinds` than they are entitled to, each
    annotated `entitled_<kind>` and `held_<kind>`."""
    annotations = {}
    lacking = Q()
    for kind in kinds:
        annotations[f"entitled_{kind}"] = entitlements.entitled_expression(table, kind)
        annotations[f"held_{kind}"] = entitlements.held_expression(kind)
        lacking |= Q(**{f"entitled_{kind}__gt": F(f"held_{kind}")})
    return people.annotate(**annotations).filter(lacking)


@dataclass(frozen=True)
class KitGap:
    kind: str
    label: str
    missing: int
    since: datetime.datetime


def gaps_of(person: User) -> list[KitGap]:
    """What a row of `kit_gaps` lacks, kind by kind (reads its annotations: no query)."""
    found = []
    for kind in entitlements.KINDS:
        entitled = getattr(person, f"entitled_{kind}", None)
        if entitled is None:
            continue
        missing = entitled - getattr(person, f"held_{kind}")
        if missing > 0:
            found.append(KitGap(kind, KIND_LABELS[kind], missing, getattr(person, f"since_{kind}")))
    return found


# --- Requests -----------------------------------------------------------------------------------
def _requests() -> QuerySet[DeviceRequest]:
    return DeviceRequest.objects.select_related(
        "requester__supervisor",
        "submitted_by",
        "device_model",
        "collect_at",
        "reserved_device__model",
        "assignment__device__model",
        "supervisor_decision_by",
        "admin_decision_by",
    )


def device_requests_visible_to(*, user) -> QuerySet[DeviceRequest]:
    """Tech Bar staff and Portal admins: every request; anyone else: their own (as requester or as
    the one who asked), and their team's (people whose supervisor they are)."""
    queryset = _requests()
    if not _signed_in(user):
        return queryset.none()
    if is_tech_bar(user):
        return queryset
    return queryset.filter(Q(requester=user) | Q(submitted_by=user) | Q(requester__supervisor=user))


def device_request_for_user(*, user, pk) -> DeviceRequest:
    """The request, or Http404 when it does not exist or `user` may not see it."""
    try:
        request = _requests().get(pk=int(pk))
    except (DeviceRequest.DoesNotExist, TypeError, ValueError):
        raise Http404("No such request.") from None
    if not can_view_device_request(user, request):
        raise NotYours("No such request.")
    return request


def device_requests_open_for(*, person: User) -> QuerySet[DeviceRequest]:
    """A person's open requests, the ready ones (a device kept for them) first: for the counter,
    with what its panel shows (admin/devices/counter/_requests.html) and no more: the requester is
    the person on the screen, and the people who decided are not shown there."""
    return (
        DeviceRequest.objects.select_related("device_model", "collect_at", "reserved_device__model")
        .filter(requester=person, status__in=DeviceRequest.OPEN_STATUSES)
        .order_by(F("reserved_device").asc(nulls_last=True), "created_at", "pk")
    )


def device_requests_awaiting_decision_by(*, user) -> QuerySet[DeviceRequest]:
    """The requests waiting for `user`'s decision: their team's first steps, and for a Portal
    admin the first steps of people without a supervisor and, once the first step is approved,
    every second step (approval-required models) they did not take the first step of. A Portal
    admin may still step in on any first step (devices.permissions.decision_refusal); the queue
    lists only the ones nobody else has."""
    queryset = (
        _requests().filter(status=DeviceRequest.Status.SUBMITTED).exclude(requester=user).exclude(submitted_by=user)
    )
    if not _signed_in(user):
        return queryset.none()
    mine = Q(requester__supervisor=user, supervisor_decision_at__isnull=True)
    if has_role(user, Role.PORTAL_ADMIN):
        mine |= Q(requester__supervisor__isnull=True, supervisor_decision_at__isnull=True) | (
            Q(needs_admin_approval=True, supervisor_decision_at__isnull=False, admin_decision_at__isnull=True)
            & ~Q(supervisor_decision_by=user)
        )
    return queryset.filter(mine).order_by("created_at", "pk")


def device_requests_to_reserve(*, tech_bar) -> QuerySet[DeviceRequest]:
    """Approved requests to be collected at a Tech Bar, waiting for a device: oldest first."""
    return _requests().filter(status=DeviceRequest.Status.APPROVED, collect_at=tech_bar).order_by("created_at", "pk")


# --- Dashboard aggregates (counts only: no request's details, which may be health information) ---
# Age of an open request, in days since it was made: (label, from, to); None is unbounded.
REQUEST_AGE_BANDS = [
    ("Under 3 days", 0, 3),
    ("3 to 10 days", 3, 10),
    ("10 to 30 days", 10, 30),
    ("30 days or more", 30, None),
]


def open_device_requests_by_status_and_age(
    *, start: datetime.datetime, end: datetime.datetime, unit: str = "", supervisor: User | None = None
) -> dict[str, dict[str, int]]:
    """{open status: {age band label: count}} for requests made in [start, end) by people in `unit`
    / the supervisor's team, aged by the timers' clock. One query."""
    now = current_time()
    requests = DeviceRequest.objects.filter(
        people_in_scope("requester__", unit=unit, supervisor=supervisor),
        status__in=DeviceRequest.OPEN_STATUSES,
        created_at__gte=start,
        created_at__lt=end,
    )
    counts = {}
    for i, (_label, low, high) in enumerate(REQUEST_AGE_BANDS):
        condition = Q(created_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - datetime.timedelta(days=high))
        counts[f"band_{i}"] = Count("pk", filter=condition)
    rows = {r["status"]: r for r in requests.order_by().values("status").annotate(**counts)}
    return {
        status: {label: rows.get(status, {}).get(f"band_{i}", 0) for i, (label, _, _) in enumerate(REQUEST_AGE_BANDS)}
        for status in DeviceRequest.OPEN_STATUSES
    }


def kit_gaps_by_command_unit(*, unit: str = "", supervisor: User | None = None) -> list[tuple[str, dict[str, int]]]:
    """[(command unit, {"people": n, <kind>: n lacking that kind})], units by name ("" last for
    none recorded), of the people still here lacking part of their standard kit, as `kit_gaps`
    counts them. Two queries whatever the numbers: the entitlements, then the counts."""
    table = entitlements.load()
    kinds = [kind for kind in entitlements.KINDS if table.get(kind)]
    if not kinds:
        return []
    people = User.objects.filter(people_in_scope("", unit=unit, supervisor=supervisor), is_active=True).exclude(
        leaving_date__lt=timezone.localdate()
    )
    per_kind = {kind: Count("pk", filter=Q(**{f"entitled_{kind}__gt": F(f"held_{kind}")})) for kind in kinds}
    rows = _lacking_kit(people, table, kinds).order_by().values("command_unit").annotate(people=Count("pk"), **per_kind)
    found = [(r["command_unit"], {"people": r["people"], **{kind: r[kind] for kind in kinds}}) for r in rows]
    return sorted(found, key=lambda pair: (pair[0] == "", pair[0]))
