"""The reporter's side of an incident: the first notification (also for a lost device), the
full report's drafts and submission, later updates and timeline notes from other apps."""

import uuid
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.timesince import timeuntil

from incidents import ladders, permissions
from incidents.models import (
    Incident,
    IncidentEvent,
    IncidentUpdate,
    YesNoUnknown,
)
from incidents.services.common import (
    AWARENESS_CLOCK_TOLERANCE,
    AlreadyOpened,
    IncidentError,
    NotAllowed,
    ReportAlreadySubmitted,
    StaleDraft,
    _event,
    _locked,
    _tell_data_office,
    _validated,
    _when,
    _words,
)
from incidents.services.escalation import (
    _decision_clock_started,
    _set_decision_clock,
    _start_ladder,
)
from portal import timers
from portal.models import User
from portal.services import notify

# The full report's fields, in the order the form asks them: editable by the reporter until
# submitted, frozen after. The form and the report's summary rows are built from this list.
REPORT_FIELDS = (
    "summary",
    "what_happened",
    "where_happened",
    "happened_at",
    "breach_kinds",
    "first_seen_by",
    "systems_involved",
    "device_involved",
    "devices_involved",
    "personal_data_involved",
    "people_categories",
    "people_affected",
    "data_categories",
    "records_affected",
    "likely_consequences",
    "containment",
    "others_aware",
    "processors_involved",
    "delay_reasons",
    "contact_phone",
    "contact_email",
)
SUBMISSION_REQUIRED = {
    "summary": "Enter what happened, in a sentence",
    "what_happened": "Describe what happened",
    "where_happened": "Enter where it happened",
    "breach_kinds": "Select at least one kind of breach",
    "likely_consequences": "Describe the likely consequences, or say they are not known yet",
    "containment": "Describe what has been done or is proposed to contain it, or say nothing has been done yet",
}


def submission_problems(values: dict, *, late: bool) -> dict[str, str]:
    """What a full report still lacks before it can be submitted: {field: message}."""
    problems = {name: message for name, message in SUBMISSION_REQUIRED.items() if not values.get(name)}
    if values.get("personal_data_involved") == YesNoUnknown.YES:
        if not values.get("people_categories"):
            problems["people_categories"] = "Select the people whose personal data is involved"
        if not values.get("data_categories"):
            problems["data_categories"] = "Select the kinds of personal data involved"
    if not values.get("contact_phone") and not values.get("contact_email"):
        problems["contact_phone"] = "Enter a phone number or an email address the Data Office can reach you on"
    if late and not (values.get("delay_reasons") or "").strip():
        problems["delay_reasons"] = (
            "This report is over 12 hours after you became aware: give the reasons for the delay"
        )
    return problems


def report_submission_problems(*, incident: Incident, typed: dict, late: bool) -> dict[str, str]:
    """What stops this report being submitted, reading what was just typed over what is saved."""
    values = {name: getattr(incident, name) for name in REPORT_FIELDS}
    values.update(typed)
    return submission_problems(values, late=late)


@transaction.atomic
def incident_open(
    *,
    reporter: User,
    summary: str,
    aware_at: datetime,
    personal_data_involved: str,
    device_involved: str,
    actor: User | None = None,
    source: str = Incident.Source.PORTAL,
    devices_involved: str = "",
    asset_tags: str = "",
    submission_token: uuid.UUID | None = None,
    email_reporter: bool = True,
) -> Incident:
    """The first notification: starts the record and its 12-hour clock.

    An awareness time in the future is refused. One already over 12 hours ago is accepted, marked
    late from the start, and the full report will ask for the reasons for the delay.
    `submission_token` is the form's one-time token: a second submission with it, one after the
    other or at the same moment, raises AlreadyOpened with the incident the first one opened.
    `email_reporter=False`: the reporter's acknowledgement is a portal notification only, because
    the caller's own email already carries the reference and the due time (a lost device).
    """
    actor = actor or reporter
    if submission_token is not None and (first := _opened_by(reporter, submission_token)):
        raise AlreadyOpened(first)
    now = timers.current_time()
    if aware_at > now + AWARENESS_CLOCK_TOLERANCE:
        raise IncidentError({"aware_at": "The time you became aware must be now or in the past"})
    # In UTC: adding 12 hours to a Europe/London time adds wall-clock hours, 11 or 13 real ones
    # on the nights the clocks change.
    aware_at = min(aware_at, now).astimezone(UTC)
    due_at = aware_at + ladders.REPORT_DEADLINE
    late = due_at <= now
    incident = Incident(
        reporter=reporter,
        source=source,
        created_at=now,
        aware_at=aware_at,
        due_at=due_at,
        late_from_start=late,
        late_at=now if late else None,
        summary=summary.strip(),
        personal_data_involved=personal_data_involved,
        device_involved=device_involved,
        devices_involved=devices_involved,
        asset_tags=asset_tags,
        contact_email=reporter.email,
        submission_token=submission_token,
    )
    decision_clock = _set_decision_clock(incident)
    try:
        _validated(incident)
        with transaction.atomic():
            incident.save()
    except (IncidentError, IntegrityError):
        # The same form sent at the same moment: the unique constraint lets one through.
        if submission_token is not None and (first := _opened_by(reporter, submission_token)):
            raise AlreadyOpened(first) from None
        raise
    by = "" if actor.pk == reporter.pk else f" by {actor.get_full_name()} for {reporter.get_full_name()}"
    _event(
        incident,
        IncidentEvent.Kind.FIRST_NOTIFICATION,
        actor,
        f"First notification{by}. Full report due {_when(due_at)}.",
    )
    if late:
        _event(
            incident,
            IncidentEvent.Kind.LATE_FROM_START,
            actor,
            "Awareness was more than 12 hours before this report, so it is late from the start. "
            "The full report asks for the reasons for the delay.",
        )
    _start_ladder(incident, ladders.report_ladder(), now=now, skip_if_only={"remind_reporter"})
    if decision_clock:
        _decision_clock_started(incident, actor=None, now=now, reason="personal data may be involved")
    notify(
        recipient=reporter,
        subject=f"{incident.reference}: we have your first notification",
        body=f"Your full report is due by {_when(due_at)}."
        + (" It is already late: please give the reasons for the delay." if late else ""),
        url=reverse("incidents:incident_report_edit", args=[incident.pk]),
        email=email_reporter,
    )
    _tell_data_office(
        incident,
        subject=f"{incident.reference}: new security incident" + (" (late)" if late else ""),
        body=f"First notification from {reporter.get_full_name()} ({reporter.command_unit or 'no unit'}). "
        f"Personal data involved: {incident.get_personal_data_involved_display()}. "
        f"Full report due {_when(due_at)}.",
    )
    # Steps already due when the clock starts (a late report) fire now, not at the next sweep.
    timers.fire_due(incident.steps.all())
    incident.refresh_from_db()
    return incident


def incident_open_for_lost_device(
    *, holder: User, actor: User, description: str, asset_tag: str, aware_at: datetime
) -> Incident:
    """For the devices app: a lost or stolen device is a security incident with its clock
    already running from when the loss was noticed. The holder completes the full report.
    The holder gets one email, the devices app's "what happens next", which names the incident
    and its due time; the acknowledgement here is a portal notification only."""
    return incident_open(
        reporter=holder,
        actor=actor,
        summary=description[:300],
        aware_at=aware_at,
        personal_data_involved=YesNoUnknown.UNKNOWN,
        device_involved=YesNoUnknown.YES,
        source=Incident.Source.DEVICE,
        devices_involved=description,
        asset_tags=asset_tag,
        email_reporter=False,
    )


@transaction.atomic
def incident_add_timeline_note(*, incident: Incident, actor: User, text: str) -> IncidentEvent:
    """For other apps: a dated line on the timeline, such as a lost device handed in or wiped."""
    incident = _locked(incident)
    text = (text or "").strip()
    if not text:
        raise IncidentError({"text": "Enter the note"})
    return _event(incident, IncidentEvent.Kind.NOTE, actor, text)


@transaction.atomic
def incident_draft_save(*, incident: Incident, actor: User, values: dict, draft_version: int | None = None) -> Incident:
    """Keep what the reporter has typed so far. Only fields of the full report, only before submission.

    Fields missing from `values` stay as they are, and a save that changes nothing writes nothing.
    `draft_version` is the version the reporter's page showed (None: not checked); if the draft
    has been saved since, nothing is saved (StaleDraft). Each save that changes something counts
    one version on.
    """
    incident = _locked(incident)
    _check_editable(incident, actor, draft_version)
    changed = _assign_report(incident, values)
    if not changed:
        return incident
    try:
        incident.clean_fields(exclude=[f.name for f in Incident._meta.fields if f.name not in changed])
    except ValidationError as error:
        raise IncidentError(error.message_dict) from error
    incident.draft_saved_at = timers.current_time()
    incident.draft_version += 1
    incident.save(update_fields=[*changed, "draft_saved_at", "draft_version"])
    return incident


@transaction.atomic
def incident_submit(*, incident: Incident, actor: User, values: dict, draft_version: int | None = None) -> Incident:
    """Submit the full report: it is frozen from now on, and the rest of the ladder is cancelled.
    A repeat (a double click) raises ReportAlreadySubmitted; `draft_version` as for a draft."""
    incident = _locked(incident)
    _check_editable(incident, actor, draft_version)
    _assign_report(incident, values)
    now = timers.current_time()
    late = incident.is_late or now >= incident.due_at
    problems = submission_problems({f: getattr(incident, f) for f in REPORT_FIELDS}, late=late)
    if problems:
        raise IncidentError(problems)
    _validated(incident)
    # A step that fell due moments ago (the sweep has not reached it yet) still happens, then
    # everything after it is cancelled.
    timers.fire_due(incident.steps.filter(ladder=ladders.REPORT))
    cancelled = timers.cancel(incident.steps.filter(ladder=ladders.REPORT), reason="Full report submitted")
    incident.late_at = Incident.objects.values_list("late_at", flat=True).get(pk=incident.pk)
    incident.submitted_at = now
    incident.draft_saved_at = now
    incident.draft_version += 1
    if incident.status == Incident.Status.NOTIFIED:
        incident.status = Incident.Status.REPORTED
    decision_clock = _set_decision_clock(incident)  # the full report says personal data may be involved
    incident.save(
        update_fields=[
            *REPORT_FIELDS,
            "submitted_at",
            "draft_saved_at",
            "draft_version",
            "status",
            "late_at",
            "decision_due_at",
        ]
    )
    lateness = f"late, {_words(timeuntil(now, incident.due_at, depth=2))} after the deadline" if late else "on time"
    _event(incident, IncidentEvent.Kind.REPORT_SUBMITTED, actor, f"Full report submitted {lateness}.")
    if cancelled:
        _event(
            incident,
            IncidentEvent.Kind.STEPS_CANCELLED,
            None,
            f"{cancelled} remaining escalation step{'s' if cancelled != 1 else ''} cancelled: the full report is in.",
        )
    if decision_clock:
        _decision_clock_started(
            incident, actor=None, now=now, reason="the full report says personal data may be involved"
        )
        timers.fire_due(incident.steps.filter(ladder=ladders.DECISION))
    notify(
        recipient=incident.reporter,
        subject=f"{incident.reference}: full report received",
        body="Thank you. The Data Office will triage it. You can add updates or attachments at any time.",
        url=incident.get_absolute_url(),
    )
    _tell_data_office(
        incident,
        subject=f"{incident.reference}: full report submitted" + (" (late)" if late else ""),
        body=f"The full report from {incident.reporter.get_full_name()} is ready for triage.",
    )
    return incident


@transaction.atomic
def incident_update_add(*, incident: Incident, actor: User, text: str) -> IncidentUpdate:
    """A fact added later, dated. The original report stays as it was."""
    incident = _locked(incident)
    if not permissions.can_add_update(actor, incident):
        raise NotAllowed("You cannot add an update to this incident.")
    text = (text or "").strip()
    if not text:
        raise IncidentError({"text": "Enter the update"})
    update = IncidentUpdate(incident=incident, author=actor, created_at=timers.current_time(), text=text)
    _validated(update)
    update.save()
    _event(incident, IncidentEvent.Kind.UPDATE_ADDED, actor, f"Update added by {actor.get_full_name()}.")
    if permissions.is_reporter(actor, incident):
        if incident.owner_id:
            notify(
                recipient=incident.owner,
                subject=f"{incident.reference}: the reporter added an update",
                url=incident.get_review_url(),
            )
    else:
        notify(
            recipient=incident.reporter,
            subject=f"{incident.reference}: the Data Office added an update",
            url=incident.get_absolute_url(),
        )
    return update


def _opened_by(reporter: User, submission_token: uuid.UUID) -> Incident | None:
    return Incident.objects.filter(reporter=reporter, submission_token=submission_token).first()


def _check_editable(incident: Incident, actor: User, draft_version: int | None) -> None:
    """May `actor` change this (locked) report now, from a page that showed `draft_version`?"""
    if permissions.is_reporter(actor, incident) and incident.is_submitted:
        raise ReportAlreadySubmitted("The full report has been submitted already.")
    if not permissions.can_edit_report(actor, incident):
        raise NotAllowed("Only the reporter changes the report, and only until it is submitted.")
    if draft_version is not None and draft_version != incident.draft_version:
        raise StaleDraft()


def _assign_report(incident: Incident, values: dict) -> list[str]:
    """Copy the report's fields from `values` (anything else there is ignored, and a field that
    is missing stays as it is); returns the names of those whose value changed."""
    changed = []
    for name in REPORT_FIELDS:
        if name not in values:
            continue
        value = values[name]
        field = Incident._meta.get_field(name)
        if value is None and not field.null:
            value = field.get_default()
        value = value.strip() if isinstance(value, str) else value
        if getattr(incident, name) != value:
            setattr(incident, name, value)
            changed.append(name)
    return changed
