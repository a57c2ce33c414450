"""Reads for incidents: what each person may see, the Data Office queue, timelines, the home panel."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from incidents import permissions
from incidents.models import Incident, IncidentEvent, IncidentStep
from portal.models import OutboundEmail, Role, User
from portal.permissions import NotYours
from portal.timers import clock


class Timeliness(models.TextChoices):
    """Where an incident stands against its next deadline."""

    OVERDUE = "overdue", "Overdue"  # the 72-hour decision has passed without a decision
    DUE_SOON = "due_soon", "Due soon"
    LATE = "late", "Late"  # the 12-hour report was (or is) late
    ON_TIME = "on_time", "On time"


def due_soon_window() -> timedelta:
    return timedelta(hours=float(getattr(settings, "INCIDENT_DUE_SOON_HOURS", 2)))


def incidents_visible_to(*, user: User) -> QuerySet[Incident]:
    """Reviewers see every incident; everyone else sees the ones they reported."""
    if permissions.can_review(user):
        return Incident.objects.all()
    if not permissions.can_report(user):
        return Incident.objects.none()
    return Incident.objects.filter(reporter=user)


def incidents_reported_by(*, user: User) -> QuerySet[Incident]:
    return Incident.objects.filter(reporter=user).order_by("-created_at", "-pk")


class DeadlineKind(models.TextChoices):
    REPORT = "report", "Full report"
    DECISION = "decision", "72-hour decision"


def incidents_with_deadlines(queryset: QuerySet[Incident], *, decision_clock: bool = True) -> QuerySet[Incident]:
    """Annotate the next deadline (the report's while it is awaited, then the 72-hour decision's),
    which clock it is on, the decision clock while it runs, and the timeliness state, all measured
    by the timers' clock so the queue agrees with the sweep.

    The decision clock runs from awareness for every open report that may involve personal data,
    triaged or not, until the decision is recorded (incidents.services sets `decision_due_at` when
    such a report arrives). `decision_clock=False` leaves it out: the reporter's own view."""
    now = clock()
    still_open = ~Q(status=Incident.Status.CLOSED)
    report_running = still_open & Q(submitted_at__isnull=True)
    decision_running = (
        still_open & Q(decision_due_at__isnull=False, decision__isnull=True) if decision_clock else Q(pk__in=[])
    )
    queryset = queryset.annotate(
        next_deadline=Case(
            When(report_running, then=F("due_at")),
            When(decision_running, then=F("decision_due_at")),
            default=Value(None),
            output_field=models.DateTimeField(),
        ),
        next_deadline_kind=Case(
            When(report_running, then=Value(DeadlineKind.REPORT)),
            When(decision_running, then=Value(DeadlineKind.DECISION)),
            default=Value(""),
            output_field=models.CharField(),
        ),
        decision_clock_due=Case(
            When(decision_running, then=F("decision_due_at")), default=Value(None), output_field=models.DateTimeField()
        ),
    )
    return queryset.annotate(
        timeliness=Case(
            When(decision_running & Q(decision_due_at__lte=now), then=Value(Timeliness.OVERDUE)),
            When(report_running & Q(due_at__lte=now), then=Value(Timeliness.LATE)),
            When(next_deadline__lte=now + due_soon_window(), then=Value(Timeliness.DUE_SOON)),
            When(late_at__isnull=False, then=Value(Timeliness.LATE)),
            default=Value(Timeliness.ON_TIME),
            output_field=models.CharField(),
        )
    )


def incident_queue(*, user: User) -> QuerySet[Incident]:
    """The Data Office queue, most urgent first: missed and soonest deadlines (the 12-hour report
    before the 72-hour decision at the same instant), untriaged before triaged, then the longest
    waiting; closed incidents last (the queue's filter hides them unless asked). One query for any
    number of rows (the reporter, owner and decision come joined)."""
    if not permissions.can_review(user):
        return Incident.objects.none()
    return (
        incidents_with_deadlines(Incident.objects.all())
        .annotate(
            closed_last=Case(When(status=Incident.Status.CLOSED, then=Value(1)), default=Value(0)),
            untriaged_first=Case(When(triaged_at__isnull=True, then=Value(0)), default=Value(1)),
        )
        .select_related("reporter", "owner", "decision", "triaged_by")
        .order_by(
            "closed_last",
            F("next_deadline").asc(nulls_last=True),
            "-next_deadline_kind",  # "report" before "decision"
            "untriaged_first",
            "created_at",
            "pk",
        )
    )


def incident_with_deadlines(*, user: User, pk: int) -> Incident:
    """One incident the user may see, with its next deadline and timeliness (404s otherwise)."""
    queryset = incidents_with_deadlines(
        incidents_visible_to(user=user), decision_clock=permissions.can_review(user)
    ).select_related("reporter__supervisor", "owner", "decision", "triaged_by")
    incident = queryset.filter(pk=pk).first()
    if incident is None:
        raise (NotYours if Incident.objects.filter(pk=pk).exists() else Http404)("No such incident.")
    return incident


def incident_timeline(*, incident: Incident, user: User) -> QuerySet[IncidentEvent]:
    """The timeline as this user may see it: reviewers see everything, reporters their part."""
    events = incident.events.select_related("actor", "step").order_by("at", "pk")
    if not permissions.can_review(user):
        return events.filter(visible_to_reporter=True)
    # The Data Office sees what became of each email a step sent: queued, sent or failed.
    return events.prefetch_related(
        Prefetch("step__emails", queryset=OutboundEmail.objects.order_by("pk"), to_attr="outbox_rows")
    )


def incident_steps(*, incident: Incident, user: User) -> QuerySet[IncidentStep]:
    steps = incident.steps.order_by("due_at", "pk")
    if not permissions.can_review(user):
        steps = steps.filter(ladder="report")
    return steps


def data_office_reviewers() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.DATA_OFFICE, is_active=True).distinct()


def command_units() -> list[str]:
    """The units that appear in the queue's unit filter."""
    return list(
        User.objects.exclude(command_unit="")
        .filter(incidents_reported__isnull=False)
        .values_list("command_unit", flat=True)
        .distinct()
        .order_by("command_unit")
    )


@dataclass(frozen=True)
class HomePanel:
    open_reports: list[Incident]
    recent_reports: list[Incident]


def incidents_home_panel(*, user: User, recent: int = 5) -> HomePanel:
    """For the home page: my reports still waiting for their full report (with deadlines), and my
    most recent reports with their status."""
    mine = incidents_with_deadlines(incidents_reported_by(user=user), decision_clock=False)
    open_reports = list(
        mine.filter(submitted_at__isnull=True).exclude(status=Incident.Status.CLOSED).order_by("due_at")
    )
    recent_reports = list(mine.filter(submitted_at__isnull=False)[:recent])
    return HomePanel(open_reports=open_reports, recent_reports=recent_reports)
