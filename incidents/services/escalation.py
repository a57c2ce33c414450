"""The escalation ladders: storing a clock's steps, starting the 72-hour decision clock, and what
each step does when `portal.timers` fires it."""

import logging
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from incidents import ladders
from incidents.models import (
    Incident,
    IncidentEvent,
    IncidentStep,
)
from incidents.services.common import (
    _event,
    _left,
    _sentence,
    _tell_data_office,
    _tell_reviewers,
    _when,
)
from portal import timers
from portal.models import User
from portal.services import notify, notify_address

logger = logging.getLogger(__name__)


def incident_step_fire(step: IncidentStep) -> None:
    """Carry out one fired step (called by portal.timers inside the firing transaction)."""
    incident = timers.step_owner(step, Incident.objects.select_related("reporter__supervisor", "owner"))
    rung = ladders.rung(step.step)
    if rung is None:
        logger.warning("step %s of %s is not in the configured ladders; nothing sent", step.step, incident.reference)
        done = ["this step is no longer in the ladder, so nothing was sent"]
    else:
        done = [ladders.ACTIONS.run(action, incident, step) for action in rung.actions]
    IncidentEvent.objects.create(
        incident=incident,
        at=step.fired_at,
        kind=IncidentEvent.Kind.STEP_FIRED,
        step=step,
        text=_sentence("; ".join(done)),
        visible_to_reporter=step.ladder == ladders.REPORT,
    )


@ladders.ACTIONS.action("remind_reporter", "remind the reporter")
def _remind_reporter(incident: Incident, step: IncidentStep) -> str:
    notify(
        recipient=incident.reporter,
        subject=f"Reminder: the full report for {incident.reference} is due in {_left(incident.due_at, step)}",
        body=f"You became aware at {_when(incident.aware_at)}. Reports are due within 12 hours, by "
        f"{_when(incident.due_at)}. What you have typed so far is saved.",
        url=reverse("incidents:incident_report_edit", args=[incident.pk]),
        cause=step,
    )
    return f"reminded {incident.reporter.get_full_name()} in the portal"


@ladders.ACTIONS.action("tell_supervisor", "tell the reporter's supervisor")
def _tell_supervisor(incident: Incident, step: IncidentStep) -> str:
    supervisor = incident.reporter.supervisor
    if supervisor is None or not supervisor.is_active:
        _tell_data_office(
            incident,
            subject=f"{incident.reference}: reporter has no supervisor on record",
            body=f"{incident.reporter} has no active supervisor to escalate to; "
            f"full report due {_when(incident.due_at)}.",
            cause=step,
        )
        return "no supervisor on record, so told the Data Office reviewers in the portal"
    # A supervisor learns that a report is outstanding, never what it is about.
    late = step.fired_at >= incident.due_at
    notify(
        recipient=supervisor,
        subject=f"{incident.reporter.get_full_name()} has a security incident report "
        + ("that is late" if late else f"due in {_left(incident.due_at, step)}"),
        body=f"{incident.reporter.get_full_name()} ({incident.reporter.payroll_number}) started a security incident "
        f"report ({incident.reference}) and has not yet completed it; it was due by {_when(incident.due_at)}. "
        "Please make sure they complete it. Its details are seen only by the reporter and the Data Office.",
        cause=step,
    )
    return f"told their supervisor {supervisor.get_full_name()} in the portal"


@ladders.ACTIONS.action("alert_duty_inbox", "alert the Data Office duty inbox")
def _alert_duty_inbox(incident: Incident, step: IncidentStep) -> str:
    _tell_data_office(
        incident,
        subject=f"{incident.reference}: no full report yet, due in {_left(incident.due_at, step)}",
        body=f"Reporter {incident.reporter} became aware at {_when(incident.aware_at)}.",
        cause=step,
    )
    return "alerted the Data Office reviewers in the portal"


@ladders.ACTIONS.action("mark_late", "mark the report late")
def _mark_late(incident: Incident, step: IncidentStep) -> str:
    Incident.objects.filter(pk=incident.pk, late_at__isnull=True).update(late_at=step.fired_at)
    return "marked the report late"


@ladders.ACTIONS.action("tell_data_office", "tell the Data Office")
def _tell_data_office_late(incident: Incident, step: IncidentStep) -> str:
    _tell_data_office(
        incident,
        subject=f"{incident.reference} is late: no full report 12 hours after awareness",
        body=f"Reporter {incident.reporter} became aware at {_when(incident.aware_at)}.",
        cause=step,
    )
    return "told the Data Office reviewers in the portal"


@ladders.ACTIONS.action("remind_owner", "remind the incident's owner")
def _remind_owner(incident: Incident, step: IncidentStep) -> str:
    subject = f"{incident.reference}: decision on telling the ICO due in {_left(incident.decision_due_at, step)}"
    if incident.owner_id and incident.owner.is_active:
        notify(recipient=incident.owner, subject=subject, url=incident.get_review_url(), cause=step)
        return f"reminded the owner {incident.owner.get_full_name()} in the portal"
    _tell_data_office(incident, subject=subject + " (no owner)", cause=step)
    return "no owner, so told the Data Office reviewers in the portal"


@ladders.ACTIONS.action("alert_data_office_lead", "alert the Data Office lead")
def _alert_data_office_lead(incident: Incident, step: IncidentStep) -> str:
    due = incident.decision_due_at
    state = "is overdue" if step.fired_at >= due else f"is due in {_left(due, step)}"
    subject = f"{incident.reference}: decision on telling the ICO {state}"
    body = f"Owner: {incident.owner or 'none'}. Awareness {_when(incident.aware_at)}; 72 hours end {_when(due)}."
    notify_address(
        address=settings.DATA_OFFICE_LEAD_EMAIL,
        subject=subject,
        body=body,
        url=incident.get_review_url(),
        label="the Data Office lead",
        cause=step,
    )
    # The lead's email may not arrive: every reviewer (the owner among them) sees it in the portal.
    _tell_reviewers(incident, subject=subject, body=body)
    return "alerted the Data Office reviewers in the portal"


@ladders.ACTIONS.action("mark_decision_overdue", "mark the regulator decision overdue")
def _mark_decision_overdue(incident: Incident, step: IncidentStep) -> str:
    Incident.objects.filter(pk=incident.pk, decision_overdue_at__isnull=True).update(decision_overdue_at=step.fired_at)
    return "marked the regulator decision overdue"


def _set_decision_clock(incident: Incident) -> bool:
    """Set the 72-hour clock (from awareness) on an incident that may involve personal data and
    has none running; True if it was set. The caller saves, then calls _decision_clock_started."""
    if incident.decision_due_at is not None or not incident.may_involve_personal_data:
        return False
    incident.decision_due_at = incident.aware_at + ladders.DECISION_DEADLINE
    return True


def _decision_clock_started(
    incident: Incident, *, actor: User | None, now: datetime, reason: str, skip_if_only: set[str] = frozenset()
) -> None:
    _event(
        incident,
        IncidentEvent.Kind.DECISION_CLOCK_STARTED,
        actor,
        (f"72-hour clock running: {reason}. " if reason else "")
        + f"Decision on telling the Information Commissioner due {_when(incident.decision_due_at)}.",
        visible_to_reporter=False,
    )
    _start_ladder(incident, ladders.decision_ladder(), now=now, skip_if_only=skip_if_only)


def _start_ladder(incident: Incident, rungs: list[ladders.Rung], *, now: datetime, skip_if_only: set[str]) -> None:
    """Store the ladder's steps. Of the steps already past when the clock starts, only the last
    is kept (it fires at once), unless all it does is remind the person starting the clock.

    A clock started again (triaged as not a breach, then as one) re-arms its cancelled steps;
    a step that fired stays fired, since each step exists once per incident."""
    existing = {s.step: s for s in IncidentStep.objects.filter(incident=incident, step__in=[r.step for r in rungs])}
    rows = []
    for r in rungs:
        row = existing.get(r.step) or IncidentStep(incident=incident, ladder=r.ladder, step=r.step)
        if row.fired_at is not None:
            continue
        row.due_at, row.cancelled_at, row.cancel_reason = incident.aware_at + r.after, None, ""
        rows.append((row, r))
    past = [(row, r) for row, r in rows if row.due_at <= now]
    for index, (row, r) in enumerate(past):
        last = index == len(past) - 1
        if not last:
            row.cancelled_at, row.cancel_reason = now, "Already past when the clock started; a later step covers it"
        elif set(r.actions) <= skip_if_only:
            row.cancelled_at, row.cancel_reason = now, "Already past when the clock started"
    IncidentStep.objects.bulk_create([row for row, _ in rows if row.pk is None])
    IncidentStep.objects.bulk_update(
        [row for row, _ in rows if row.pk is not None], ["due_at", "cancelled_at", "cancel_reason"]
    )
