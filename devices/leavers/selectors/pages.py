"""Reads for the leaver pages (My team, the case page, the list), beside the contract's
`devices.leavers.selectors.cases`: each page costs a fixed number of queries."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from devices import permissions as device_permissions
from devices.core.models import Assignment, TechBar
from devices.core.selectors import with_opening_hours
from devices.leavers.models import LeaverCase
from devices.leavers.selectors import cases as leaver_selectors
from portal.models import User
from portal.selectors import team_of


def team_with_leaver_cases(*, supervisor: User) -> QuerySet[User]:
    """The supervisor's people, each with their open leaver case's id (or None), leaving soonest first."""
    open_case = LeaverCase.objects.filter(person=OuterRef("pk"), status=LeaverCase.Status.OPEN)
    return (
        team_of(supervisor=supervisor)
        .annotate(open_case_id=Subquery(open_case.values("pk")[:1]))
        .order_by("leaving_date", "last_name", "first_name", "pk")
    )


def devices_first(lines) -> list:
    """A case's lines (prefetched), devices before property, each in the selector's order
    (databases disagree on where a NULL sorts)."""
    return sorted(lines, key=lambda line: not line.is_device)


def tech_bars_nearest_for(*, person: User) -> list[TechBar]:
    """Open Tech Bars with their hours: those where the person's kit was issued first (they know
    the way), then the rest by name. Two queries."""
    issued_here = Assignment.objects.filter(holder=person, issued_at_tech_bar=OuterRef("pk"))
    bars = with_opening_hours(TechBar.objects.filter(is_active=True).annotate(issued_here=Exists(issued_here)))
    return sorted(bars.order_by("name", "pk"), key=lambda bar: not bar.issued_here)


def leaver_command_units() -> list[str]:
    """The command units of people with an open case, for the list's filter."""
    return list(
        LeaverCase.objects.filter(status=LeaverCase.Status.OPEN)
        .exclude(person__command_unit="")
        .values_list("person__command_unit", flat=True)
        .distinct()
        .order_by("person__command_unit")
    )


def leaving_countdown(leaving_date) -> str:
    """ "Leaves in 12 days", "Leaves today", "Left 3 days ago": counted in local days."""
    days = (leaving_date - timezone.localdate()).days
    if days > 1:
        return f"Leaves in {days} days"
    if days == 1:
        return "Leaves tomorrow"
    if days == 0:
        return "Leaves today"
    if days == -1:
        return "Left yesterday"
    return f"Left {-days} days ago"


def counter_leaver_context(*, person, user) -> dict:
    """What the counter's person page shows first when they have an open leaver case."""
    if getattr(person, "open_leaver_case_pk", 0) is None:
        # Read with the person at the counter (devices.counter.selectors.counter_person): none open.
        return {"leaver_case": None}
    case = leaver_selectors.leaver_case_open_for(person=person)
    if case is None:
        return {"leaver_case": None}
    lines = devices_first(case.lines.all())  # prefetched by the selector
    return {
        "leaver_case": case,
        "leaver_countdown": leaving_countdown(case.leaving_date),
        "leaver_outstanding": [line for line in lines if line.is_outstanding],
        "leaver_ended": [line for line in lines if not line.is_outstanding],
        "may_write_off": device_permissions.can_write_off(user, case),
    }
