"""The Data Office's side of an incident: triage, the regulator decision (and what it lacks),
and moving a triaged incident on to closed."""

from datetime import datetime

from django.db import transaction

from incidents import ladders, permissions, selectors
from incidents.models import (
    MEDIUM_TEXT,
    Incident,
    IncidentEvent,
    RegulatorDecision,
)
from incidents.services.common import (
    AWARENESS_CLOCK_TOLERANCE,
    IncidentError,
    NotAllowed,
    _check_length,
    _event,
    _locked,
    _validated,
    _when,
)
from incidents.services.escalation import (
    _decision_clock_started,
)
from portal import timers
from portal.models import User
from portal.services import notify


def decision_problems(
    *,
    incident: Incident,
    now: datetime,
    risk_rating: str,
    outcome: str,
    reasons: str,
    people_told: bool | None,
    people_told_reasons: str = "",
    ico_reference: str = "",
    ico_notified_at: datetime | None = None,
) -> dict[str, str]:
    """What a regulator decision lacks, or where it contradicts the law: {field: message}."""
    problems = {}
    if outcome == RegulatorDecision.Outcome.NOTIFIED:
        if not (ico_reference or "").strip():
            problems["ico_reference"] = "Enter the ICO's case reference"
        if ico_notified_at is None:
            problems["ico_notified_at"] = "Enter when the ICO was notified"
        elif ico_notified_at > now + AWARENESS_CLOCK_TOLERANCE:
            problems["ico_notified_at"] = "The time the ICO was notified must be in the past"
        elif ico_notified_at < incident.aware_at:
            problems["ico_notified_at"] = "The ICO cannot have been notified before anyone was aware"
    elif outcome and risk_rating and risk_rating != RegulatorDecision.Risk.UNLIKELY:
        problems["outcome"] = (
            "A breach likely to result in a risk to people must be notified to the ICO "
            "(UK GDPR article 33, DPA 2018 section 67)"
        )
    if risk_rating == RegulatorDecision.Risk.HIGH and people_told is False and not (people_told_reasons or "").strip():
        problems["people_told_reasons"] = (
            "A high-risk breach is told to the people affected unless an exemption applies: give the reason"
        )
    if not (reasons or "").strip():
        problems["reasons"] = "Give the reasons for the decision"
    return problems


@transaction.atomic
def incident_triage(
    *,
    incident: Incident,
    actor: User,
    severity: str,
    likelihood: str,
    personal_data_breach: bool,
    owner: User,
    notes: str = "",
) -> Incident:
    """Assess an incident and give it an owner. A personal data breach starts the 72-hour
    decision clock (from awareness, not from triage) unless it has run since the report arrived;
    "not a personal data breach" stops it."""
    incident = _locked(incident)
    if permissions.is_reporter(actor, incident):
        raise NotAllowed("You reported this incident, so another reviewer must triage it.")
    if not permissions.can_triage(actor, incident):
        raise NotAllowed("Only a Data Office reviewer triages an open incident.")
    if owner.pk == incident.reporter_id:
        raise IncidentError({"owner": "The reporter cannot own their own incident"})
    _check_length("notes", notes, MEDIUM_TEXT)
    if not selectors.data_office_reviewers().filter(pk=owner.pk).exists():
        raise IncidentError({"owner": "The owner must be a Data Office reviewer"})
    if not personal_data_breach and incident.personal_data_breach and incident.has_decision:
        raise IncidentError(
            {"personal_data_breach": "A regulator decision is recorded for this breach; add an update instead"}
        )
    now = timers.current_time()
    first_triage = incident.triaged_at is None
    incident.severity = severity
    incident.likelihood = likelihood
    incident.owner = owner
    incident.triaged_by = actor
    incident.triaged_at = now
    starts_clock = personal_data_breach and incident.decision_due_at is None
    stops_clock = not personal_data_breach and incident.decision_due_at is not None
    incident.personal_data_breach = personal_data_breach
    if starts_clock:
        incident.decision_due_at = incident.aware_at + ladders.DECISION_DEADLINE
    if stops_clock:
        incident.decision_due_at = None
        incident.decision_overdue_at = None
    old_status = incident.status
    if incident.status in (Incident.Status.NOTIFIED, Incident.Status.REPORTED):
        incident.status = Incident.Status.TRIAGED
    _validated(incident)
    incident.save()
    breach = "a personal data breach" if personal_data_breach else "not a personal data breach"
    _event(
        incident,
        IncidentEvent.Kind.TRIAGED,
        actor,
        f"{'Triaged' if first_triage else 'Triage revised'}: severity {incident.get_severity_display()}, "
        f"likelihood {incident.get_likelihood_display()}, {breach}; owner {owner.get_full_name()}."
        + (f"\n{notes.strip()}" if notes.strip() else ""),
        visible_to_reporter=False,
    )
    if old_status != incident.status:
        _event(incident, IncidentEvent.Kind.STATUS_CHANGED, actor, f"Status: {incident.get_status_display()}.")
        notify(
            recipient=incident.reporter,
            subject=f"{incident.reference}: the Data Office has triaged your report",
            url=incident.get_absolute_url(),
        )
    if starts_clock:
        skip = {"remind_owner"} if owner.pk == actor.pk else set()
        _decision_clock_started(incident, actor=actor, now=now, reason="", skip_if_only=skip)
    if stops_clock:
        cancelled = timers.cancel(
            incident.steps.filter(ladder=ladders.DECISION), reason="Triaged as not a personal data breach"
        )
        _event(
            incident,
            IncidentEvent.Kind.STEPS_CANCELLED,
            actor,
            f"72-hour decision clock stopped ({cancelled} step{'s' if cancelled != 1 else ''} cancelled): "
            "not a personal data breach.",
            visible_to_reporter=False,
        )
    if owner.pk != actor.pk:
        notify(
            recipient=owner,
            subject=f"{incident.reference}: you own this incident",
            body=(f"Regulator decision due {_when(incident.decision_due_at)}." if personal_data_breach else ""),
            url=incident.get_review_url(),
        )
    timers.fire_due(incident.steps.filter(ladder=ladders.DECISION))
    incident.refresh_from_db()
    return incident


@transaction.atomic
def incident_decision_record(
    *,
    incident: Incident,
    actor: User,
    regime: str,
    risk_rating: str,
    outcome: str,
    reasons: str,
    people_told: bool,
    people_told_reasons: str = "",
    ico_reference: str = "",
    ico_notified_at: datetime | None = None,
) -> RegulatorDecision:
    """Record whether the Information Commissioner was told (and whether the people affected
    must be), with reasons. Stops the 72-hour ladder."""
    incident = _locked(incident)
    if permissions.is_reporter(actor, incident):
        raise NotAllowed("You reported this incident, so another reviewer must decide on it.")
    if not permissions.can_decide(actor, incident):
        raise NotAllowed("A decision is recorded once, by a reviewer, for an open personal data breach.")
    now = timers.current_time()
    problems = decision_problems(
        incident=incident,
        now=now,
        risk_rating=risk_rating,
        outcome=outcome,
        reasons=reasons,
        people_told=people_told,
        people_told_reasons=people_told_reasons,
        ico_reference=ico_reference,
        ico_notified_at=ico_notified_at,
    )
    if problems:
        raise IncidentError(problems)
    timers.fire_due(incident.steps.filter(ladder=ladders.DECISION))
    decision = RegulatorDecision(
        incident=incident,
        regime=regime,
        risk_rating=risk_rating,
        outcome=outcome,
        ico_reference=ico_reference.strip() if outcome == RegulatorDecision.Outcome.NOTIFIED else "",
        ico_notified_at=ico_notified_at if outcome == RegulatorDecision.Outcome.NOTIFIED else None,
        people_told=people_told,
        people_told_reasons=people_told_reasons.strip(),
        reasons=reasons.strip(),
        decided_by=actor,
        decided_at=now,
        decided_late=now > incident.decision_due_at,
    )
    _validated(decision)
    decision.save()
    cancelled = timers.cancel(incident.steps.filter(ladder=ladders.DECISION), reason="Decision recorded")
    _event(
        incident,
        IncidentEvent.Kind.DECISION_RECORDED,
        actor,
        f"{decision.get_outcome_display()}"
        + (
            f" (reference {decision.ico_reference}, {_when(decision.ico_notified_at)})"
            if decision.ico_reference
            else ""
        )
        + f". Regime: {decision.get_regime_display()}. Risk: {decision.get_risk_rating_display()}. "
        f"People affected {'must be told' if people_told else 'not told'}."
        + (" Decided after the 72 hours." if decision.decided_late else "")
        + (f" {cancelled} remaining step{'s' if cancelled != 1 else ''} cancelled." if cancelled else ""),
        visible_to_reporter=False,
    )
    return decision


# Which status may follow which, by the Data Office's hand (reported comes from report.py, triaged from triage).
STATUS_EDGES = {
    Incident.Status.TRIAGED: {Incident.Status.INVESTIGATING, Incident.Status.CLOSED},
    Incident.Status.INVESTIGATING: {Incident.Status.CLOSED},
}


@transaction.atomic
def incident_status_change(*, incident: Incident, actor: User, status: str, note: str = "") -> Incident:
    """Move a triaged incident on: investigating, then closed. Closing a personal data breach
    needs its regulator decision; closing stops every remaining step."""
    incident = _locked(incident)
    if not permissions.can_change_status(actor, incident):
        raise NotAllowed("Only a Data Office reviewer who did not report it moves a triaged incident on.")
    _check_length("note", note, MEDIUM_TEXT)
    if status not in STATUS_EDGES.get(incident.status, set()):
        raise IncidentError(
            {"status": f"An incident that is {incident.get_status_display().lower()} cannot become {status}"}
        )
    if status == Incident.Status.CLOSED:
        if incident.personal_data_breach and not incident.has_decision:
            raise IncidentError({"status": "Record the regulator decision before closing a personal data breach"})
        if not note.strip():
            raise IncidentError({"note": "Say how the incident was resolved"})
    now = timers.current_time()
    incident.status = status
    if status == Incident.Status.CLOSED:
        incident.closed_at = now
    _validated(incident)
    incident.save(update_fields=["status", "closed_at"])
    _event(
        incident,
        IncidentEvent.Kind.STATUS_CHANGED,
        actor,
        f"Status: {incident.get_status_display()}." + (f"\n{note.strip()}" if note.strip() else ""),
    )
    if status == Incident.Status.CLOSED:
        cancelled = timers.cancel(incident.steps.all(), reason="Incident closed")
        if cancelled:
            _event(incident, IncidentEvent.Kind.STEPS_CANCELLED, actor, f"{cancelled} remaining step(s) cancelled.")
    notify(
        recipient=incident.reporter,
        subject=f"{incident.reference}: {incident.get_status_display().lower()}",
        url=incident.get_absolute_url(),
    )
    return incident
