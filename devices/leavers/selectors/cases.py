"""Reads for leaver cases: who sees which, with what is still out and whether it is overdue."""

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from devices.leavers.models import CommandUnitLead, LeaverCase, LeaverLine
from portal.models import User
from portal.permissions import NotYours, is_tech_bar


def _lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=LeaverLine.objects.select_related(
            "assignment__device__model",
            "assignment__issued_at_tech_bar",
            "property_kind",
            "received_at_tech_bar",
            "ended_by",
            "approved_by",
            "handed_to_supervisor_by",
        ).order_by(F("property_kind__order").asc(nulls_first=True), "pk"),
    )


def leaver_case_open_for(*, person: User) -> LeaverCase | None:
    """The person's open case, its lines prefetched (devices first, then property in list order)."""
    return (
        LeaverCase.objects.filter(person=person, status=LeaverCase.Status.OPEN)
        .select_related("person__supervisor", "opened_by", "signed_off_by")
        .prefetch_related(_lines())
        .first()
    )


def _annotated(queryset: QuerySet) -> QuerySet:
    return _with_overdue(queryset.annotate(outstanding_count=Count("lines", filter=Q(lines__ended_at__isnull=True))))


def _with_overdue(queryset: QuerySet) -> QuerySet:
    today = timezone.localdate()
    return queryset.annotate(
        overdue=Case(
            When(status=LeaverCase.Status.OPEN, leaving_date__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def leaver_cases_visible_to(*, user, annotated: bool = True) -> QuerySet:
    """Tech Bar staff and Portal admins: every case; anyone else: their own, their team's (people
    whose supervisor they are) and, for a command unit's lead, the unit's (they get its overdue
    escalations). Annotated with `outstanding_count` and `overdue` (open,
    and the leaving date has passed), unless `annotated` is False (the search box counts and pages
    the cases a name finds: the lines' join and GROUP BY would cost it for nothing)."""
    queryset = LeaverCase.objects.select_related("person__supervisor", "signed_off_by")
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return queryset.none()
    if not is_tech_bar(user):
        led_units = CommandUnitLead.objects.filter(lead=user).values("command_unit")
        queryset = queryset.filter(
            Q(person=user)
            | Q(person__supervisor=user)
            | Q(person__command_unit__in=led_units, person__command_unit__gt="")
        )
    return _annotated(queryset) if annotated else queryset


def leaver_case_for_user(*, user, pk) -> LeaverCase:
    """One case with its lines (devices first), events and steps, or 404 when the user may not see it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such leaver case.") from None
    case = (
        leaver_cases_visible_to(user=user)
        .filter(pk=pk)
        .select_related("opened_by")
        .prefetch_related(_lines(), "events__actor", "events__line", "steps")
        .first()
    )
    if case is None:
        raise (NotYours if LeaverCase.objects.filter(pk=pk).exists() else Http404)("No such leaver case.")
    return case


def open_leaver_cases(*, user) -> QuerySet:
    """The list of open cases this user may see, soonest leaving first: the person joined (the
    list shows nothing of their supervisor or who signed off), annotated as above."""
    return (
        leaver_cases_visible_to(user=user)
        .filter(status=LeaverCase.Status.OPEN)
        .select_related(None)
        .select_related("person")
        .order_by("leaving_date", "pk")
    )


def open_leaver_cases_unjoined(*, user) -> QuerySet:
    """The same cases without the lines' join and GROUP BY (only `overdue`, which a filter reads):
    the list counts them and picks a page's ids from these (portal.tables._NarrowPages), so the
    lines are read for the page's cases only, not for every open case."""
    cases = leaver_cases_visible_to(user=user, annotated=False).filter(status=LeaverCase.Status.OPEN)
    return _with_overdue(cases.select_related(None)).order_by("leaving_date", "pk")
