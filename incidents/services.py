"""Every write to an incident: report, draft, submit, update, attach, triage, decide, change status,
and what each escalation step does when it fires.

Each service locks the incident row first (the order `portal.timers` uses when firing), writes a
timeline entry with the acting person in the same transaction, and sends notifications; emails
leave only after commit (`portal.services.notify`).
"""

import hashlib
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil

from incidents import ladders, permissions, selectors
from incidents.models import (
    Incident,
    IncidentAttachment,
    IncidentEvent,
    IncidentStep,
    IncidentUpdate,
    RegulatorDecision,
    YesNoUnknown,
)
from portal import timers
from portal.models import User
from portal.services import notify, notify_address

logger = logging.getLogger(__name__)

# An awareness time typed as "now" on a watch a little ahead of the server is taken as now.
AWARENESS_CLOCK_TOLERANCE = timedelta(minutes=1)

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


class IncidentError(ValidationError):
    """A rule of the incident workflow was broken; the view shows it as a form error."""


class NotAllowed(PermissionDenied):
    """This person may not do this to this incident."""


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


# --- Reporting -----------------------------------------------------------------------------
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
) -> Incident:
    """The first notification: starts the record and its 12-hour clock.

    An awareness time in the future is refused. One already over 12 hours ago is accepted, marked
    late from the start, and the full report will ask for the reasons for the delay.
    """
    actor = actor or reporter
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
    )
    _validated(incident)
    incident.save()
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
    notify(
        recipient=reporter,
        subject=f"{incident.reference}: we have your first notification",
        body=f"Your full report is due by {_when(due_at)}."
        + (" It is already late: please give the reasons for the delay." if late else ""),
        url=reverse("incidents:incident_report_edit", args=[incident.pk]),
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
    already running from when the loss was noticed. The holder completes the full report."""
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
    )


@transaction.atomic
def incident_note_device_found(*, holder: User, actor: User, asset_tag: str, text: str) -> Incident | None:
    """For the devices app: a device reported lost or stolen has turned up at a Tech Bar. The
    newest incident its holder opened about it gets a timeline entry; None when there is none."""
    candidates = Incident.objects.filter(
        reporter=holder, source=Incident.Source.DEVICE, asset_tags__contains=asset_tag
    ).order_by("-aware_at", "-pk")
    # The tag itself, not a longer tag that contains it (KB000001 is not KB0000012).
    incident = next((i for i in candidates if asset_tag in re.split(r"[^0-9A-Za-z-]+", i.asset_tags)), None)
    if incident is not None:
        _event(incident, IncidentEvent.Kind.UPDATE_ADDED, actor, text)
    return incident


@transaction.atomic
def incident_draft_save(*, incident: Incident, actor: User, values: dict) -> Incident:
    """Keep what the reporter has typed so far. Only fields of the full report, only before submission."""
    incident = _locked(incident)
    if not permissions.can_edit_report(actor, incident):
        raise NotAllowed("Only the reporter changes the report, and only until it is submitted.")
    changed = _assign_report(incident, values)
    incident.draft_saved_at = timers.current_time()
    incident.save(update_fields=[*changed, "draft_saved_at"])
    return incident


@transaction.atomic
def incident_submit(*, incident: Incident, actor: User, values: dict) -> Incident:
    """Submit the full report: it is frozen from now on, and the rest of the ladder is cancelled."""
    incident = _locked(incident)
    if not permissions.can_edit_report(actor, incident):
        raise NotAllowed("This report has been submitted already, or is not yours to submit.")
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
    if incident.status == Incident.Status.NOTIFIED:
        incident.status = Incident.Status.REPORTED
    incident.save(update_fields=[*REPORT_FIELDS, "submitted_at", "draft_saved_at", "status", "late_at"])
    lateness = f"late, {_words(timeuntil(now, incident.due_at, depth=2))} after the deadline" if late else "on time"
    _event(incident, IncidentEvent.Kind.REPORT_SUBMITTED, actor, f"Full report submitted {lateness}.")
    if cancelled:
        _event(
            incident,
            IncidentEvent.Kind.STEPS_CANCELLED,
            None,
            f"{cancelled} remaining escalation step{'s' if cancelled != 1 else ''} cancelled: the full report is in.",
        )
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


# --- Attachments ---------------------------------------------------------------------------
# (content type, magic numbers at the start of the file, the file name endings that may carry it)
_SIGNATURES = [
    ("image/png", (b"\x89PNG\r\n\x1a\n",), {"png"}),
    ("image/jpeg", (b"\xff\xd8\xff",), {"jpg", "jpeg"}),
    ("image/gif", (b"GIF87a", b"GIF89a"), {"gif"}),
    ("application/pdf", (b"%PDF-",), {"pdf"}),
]
_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"heif")  # phone photos: "ftyp<brand>" at byte 4
_TEXT_ENDINGS = {"txt", "csv", "log"}
ALLOWED_ENDINGS = sorted({e for *_, endings in _SIGNATURES for e in endings} | _TEXT_ENDINGS | {"heic", "heif"})


def attachment_content_type(upload: UploadedFile) -> str | None:
    """What the file is, judged by its content and its name together; None if not allowed."""
    ending = PurePath(upload.name or "").suffix.lower().lstrip(".")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, magics, endings in _SIGNATURES:
        if any(head.startswith(magic) for magic in magics):
            return content_type if ending in endings else None
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic" if ending in {"heic", "heif"} else None
    if ending in _TEXT_ENDINGS:
        data = b"".join(upload.chunks())
        upload.seek(0)
        if b"\x00" in data:
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv" if ending == "csv" else "text/plain"
    return None


@transaction.atomic
def incident_attachment_add(*, incident: Incident, actor: User, upload: UploadedFile) -> IncidentAttachment:
    """Store a screenshot or document, after checking its size and what it really is."""
    incident = _locked(incident)
    if not permissions.can_add_attachment(actor, incident):
        raise NotAllowed("You cannot add attachments to this incident.")
    limit = settings.INCIDENT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise IncidentError({"file": f"The file must be smaller than {limit // (1024 * 1024)} MB"})
    if upload.size == 0:
        raise IncidentError({"file": "The file is empty"})
    if incident.attachments.count() >= settings.INCIDENT_ATTACHMENTS_PER_INCIDENT:
        raise IncidentError(
            {"file": f"An incident can have at most {settings.INCIDENT_ATTACHMENTS_PER_INCIDENT} attachments"}
        )
    content_type = attachment_content_type(upload)
    if content_type is None:
        raise IncidentError(
            {"file": "The file must be a PNG, JPEG, GIF, HEIC, PDF, TXT or CSV, and its name must match what it is"}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original_name = PurePath(upload.name).name[-200:]
    attachment = IncidentAttachment(
        incident=incident,
        uploaded_by=actor,
        uploaded_at=timers.current_time(),
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(original_name, upload, save=False)
    try:
        _validated(attachment)
        attachment.save()
        _event(incident, IncidentEvent.Kind.ATTACHMENT_ADDED, actor, f"Attachment added: {original_name}.")
    except Exception:
        attachment.file.delete(save=False)  # no row, no file
        raise
    return attachment


# --- The Data Office ----------------------------------------------------------------------
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
    decision clock (from awareness, not from triage)."""
    incident = _locked(incident)
    if permissions.is_reporter(actor, incident):
        raise NotAllowed("You reported this incident, so another reviewer must triage it.")
    if not permissions.can_triage(actor, incident):
        raise NotAllowed("Only a Data Office reviewer triages an open incident.")
    if owner.pk == incident.reporter_id:
        raise IncidentError({"owner": "The reporter cannot own their own incident"})
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
        _event(
            incident,
            IncidentEvent.Kind.DECISION_CLOCK_STARTED,
            actor,
            f"Decision on telling the Information Commissioner due {_when(incident.decision_due_at)}.",
            visible_to_reporter=False,
        )
        skip = {"remind_owner"} if owner.pk == actor.pk else set()
        _start_ladder(incident, ladders.decision_ladder(), now=now, skip_if_only=skip)
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


# Which status may follow which, by the Data Office's hand (reported and triaged come from services above).
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


# --- Escalation steps ----------------------------------------------------------------------
def incident_step_fire(step: IncidentStep) -> None:
    """Carry out one fired step (called by portal.timers inside the firing transaction)."""
    incident = Incident.objects.select_related("reporter__supervisor", "owner").get(pk=step.incident_id)
    rung = ladders.rung(step.step)
    if rung is None:
        logger.warning("step %s of %s is not in the configured ladders; nothing sent", step.step, incident.reference)
        done = ["this step is no longer in the ladder, so nothing was sent"]
    else:
        done = [_STEP_ACTIONS[action](incident, step) for action in rung.actions]
    IncidentEvent.objects.create(
        incident=incident,
        at=step.fired_at,
        kind=IncidentEvent.Kind.STEP_FIRED,
        step=step,
        text=_sentence("; ".join(done)),
        visible_to_reporter=step.ladder == ladders.REPORT,
    )


def _remind_reporter(incident: Incident, step: IncidentStep) -> str:
    notify(
        recipient=incident.reporter,
        subject=f"Reminder: the full report for {incident.reference} is due in {_left(incident.due_at, step)}",
        body=f"You became aware at {_when(incident.aware_at)}. Reports are due within 12 hours, by "
        f"{_when(incident.due_at)}. What you have typed so far is saved.",
        url=reverse("incidents:incident_report_edit", args=[incident.pk]),
    )
    return f"reminded {incident.reporter.get_full_name()}"


def _tell_supervisor(incident: Incident, step: IncidentStep) -> str:
    supervisor = incident.reporter.supervisor
    if supervisor is None or not supervisor.is_active:
        notify_address(
            address=settings.DATA_OFFICE_DUTY_EMAIL,
            subject=f"{incident.reference}: reporter has no supervisor on record",
            body=f"{incident.reporter} has no active supervisor to escalate to; "
            f"full report due {_when(incident.due_at)}.",
            url=incident.get_review_url(),
        )
        return "no supervisor on record, so told the Data Office duty inbox"
    # A supervisor learns that a report is outstanding, never what it is about.
    late = step.fired_at >= incident.due_at
    notify(
        recipient=supervisor,
        subject=f"{incident.reporter.get_full_name()} has a security incident report "
        + ("that is late" if late else f"due in {_left(incident.due_at, step)}"),
        body=f"{incident.reporter.get_full_name()} ({incident.reporter.payroll_number}) started a security incident "
        f"report ({incident.reference}) and has not yet completed it; it was due by {_when(incident.due_at)}. "
        "Please make sure they complete it. Its details are seen only by the reporter and the Data Office.",
    )
    return f"told their supervisor {supervisor.get_full_name()}"


def _alert_duty_inbox(incident: Incident, step: IncidentStep) -> str:
    _tell_data_office(
        incident,
        subject=f"{incident.reference}: no full report yet, due in {_left(incident.due_at, step)}",
        body=f"Reporter {incident.reporter} became aware at {_when(incident.aware_at)}.",
    )
    return "alerted the Data Office duty inbox"


def _mark_late(incident: Incident, step: IncidentStep) -> str:
    Incident.objects.filter(pk=incident.pk, late_at__isnull=True).update(late_at=step.fired_at)
    return "marked the report late"


def _tell_data_office(incident: Incident, *, subject: str, body: str = "") -> None:
    url = incident.get_review_url()
    notify_address(address=settings.DATA_OFFICE_DUTY_EMAIL, subject=subject, body=body, url=url)
    # The duty inbox has the email; reviewers see it in their portal notifications.
    for reviewer in selectors.data_office_reviewers().exclude(pk=incident.reporter_id):
        notify(recipient=reviewer, subject=subject, body=body, url=url, email=False)


def _tell_data_office_late(incident: Incident, step: IncidentStep) -> str:
    _tell_data_office(
        incident,
        subject=f"{incident.reference} is late: no full report 12 hours after awareness",
        body=f"Reporter {incident.reporter} became aware at {_when(incident.aware_at)}.",
    )
    return "told the Data Office"


def _remind_owner(incident: Incident, step: IncidentStep) -> str:
    subject = f"{incident.reference}: decision on telling the ICO due in {_left(incident.decision_due_at, step)}"
    if incident.owner_id and incident.owner.is_active:
        notify(recipient=incident.owner, subject=subject, url=incident.get_review_url())
        return f"reminded the owner {incident.owner.get_full_name()}"
    _tell_data_office(incident, subject=subject + " (no owner)")
    return "no owner, so told the Data Office"


def _alert_data_office_lead(incident: Incident, step: IncidentStep) -> str:
    due = incident.decision_due_at
    state = "is overdue" if step.fired_at >= due else f"is due in {_left(due, step)}"
    notify_address(
        address=settings.DATA_OFFICE_LEAD_EMAIL,
        subject=f"{incident.reference}: decision on telling the ICO {state}",
        body=f"Owner: {incident.owner or 'none'}. Awareness {_when(incident.aware_at)}; 72 hours end {_when(due)}.",
        url=incident.get_review_url(),
    )
    if incident.owner_id:
        notify(
            recipient=incident.owner,
            subject=f"{incident.reference}: decision on telling the ICO {state}",
            url=incident.get_review_url(),
            email=False,
        )
    return "alerted the Data Office lead"


def _mark_decision_overdue(incident: Incident, step: IncidentStep) -> str:
    Incident.objects.filter(pk=incident.pk, decision_overdue_at__isnull=True).update(decision_overdue_at=step.fired_at)
    return "marked the regulator decision overdue"


_STEP_ACTIONS = {
    "remind_reporter": _remind_reporter,
    "tell_supervisor": _tell_supervisor,
    "alert_duty_inbox": _alert_duty_inbox,
    "mark_late": _mark_late,
    "tell_data_office": _tell_data_office_late,
    "remind_owner": _remind_owner,
    "alert_data_office_lead": _alert_data_office_lead,
    "mark_decision_overdue": _mark_decision_overdue,
}


# --- Helpers -------------------------------------------------------------------------------
def _locked(incident: Incident) -> Incident:
    """The incident, re-read under a row lock: every service starts here."""
    return Incident.objects.select_for_update(of=("self",)).select_related("reporter", "owner").get(pk=incident.pk)


def _assign_report(incident: Incident, values: dict) -> list[str]:
    """Copy the report's fields from `values` (anything else there is ignored)."""
    changed = [name for name in REPORT_FIELDS if name in values]
    for name in changed:
        value = values[name]
        field = Incident._meta.get_field(name)
        if value is None and not field.null:
            value = field.get_default()
        setattr(incident, name, value.strip() if isinstance(value, str) else value)
    return changed


def _event(incident, kind, actor, text, *, visible_to_reporter=True) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        at=timers.current_time(),
        kind=kind,
        actor=actor,
        text=text,
        visible_to_reporter=visible_to_reporter,
    )


def _start_ladder(incident: Incident, rungs: list[ladders.Rung], *, now: datetime, skip_if_only: set[str]) -> None:
    """Store the ladder's steps. Of the steps already past when the clock starts, only the last
    is kept (it fires at once), unless all it does is remind the person starting the clock."""
    rows = [
        IncidentStep(incident=incident, ladder=r.ladder, step=r.step, due_at=incident.aware_at + r.after) for r in rungs
    ]
    past = [(row, r) for row, r in zip(rows, rungs, strict=True) if row.due_at <= now]
    for index, (row, r) in enumerate(past):
        last = index == len(past) - 1
        if not last:
            row.cancelled_at, row.cancel_reason = now, "Already past when the clock started; a later step covers it"
        elif set(r.actions) <= skip_if_only:
            row.cancelled_at, row.cancel_reason = now, "Already past when the clock started"
    IncidentStep.objects.bulk_create(rows)


def _validated(instance) -> None:
    """Model validation, its failures reported as a broken rule (a form error, never a crash)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise IncidentError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j M Y H:i") if moment else "—"


def _left(deadline: datetime, step: IncidentStep) -> str:
    if step.fired_at >= deadline:
        return "0 minutes (overdue)"
    return _words(timeuntil(deadline, step.fired_at, depth=2))


def _words(text: str) -> str:
    # timeuntil joins numbers and units with no-break spaces; email subjects want plain ones.
    return text.replace("\xa0", " ")
