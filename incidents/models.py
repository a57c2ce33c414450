"""Security incidents: the report, its dated updates and attachments, its timeline, its escalation
steps and the Data Office's regulator decision. Data and constraints only; the workflow is in
`incidents.services`."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from portal.audit_chain import ChainedRecord
from portal.formats import local_datetime
from portal.timers import TimerStep


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not sure"


class BreachKind(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality: information seen, taken or shared without a need to know"
    INTEGRITY = "integrity", "Integrity: information changed, corrupted or wrongly recorded"
    AVAILABILITY = "availability", "Availability: information or a system lost, deleted or out of reach"


class PeopleCategory(models.TextChoices):
    OFFICERS = "officers", "Officers"
    STAFF = "staff", "Police staff"
    VICTIMS = "victims", "Victims"
    WITNESSES = "witnesses", "Witnesses"
    SUSPECTS = "suspects", "Suspects or offenders"
    PUBLIC = "public", "Members of the public"
    OTHER = "other", "Other people"


class DataCategory(models.TextChoices):
    IDENTITY = "identity", "Names, dates of birth or identity documents"
    CONTACT = "contact", "Contact details or addresses"
    FINANCIAL = "financial", "Financial details"
    LOCATION = "location", "Location data"
    CASE = "case", "Case, intelligence or operational information"
    CREDENTIALS = "credentials", "Passwords or other access credentials"
    HEALTH = "health", "Health data (special category)"
    SPECIAL = (
        "special",
        (
            "Other special-category data: racial or ethnic origin, political opinions, religious beliefs, "
            "trade union membership, genetic or biometric data, sex life or sexual orientation"
        ),
    )
    CRIMINAL_OFFENCE = "criminal_offence", "Criminal offence data: allegations, proceedings or convictions"
    OTHER = "other", "Other"


SPECIAL_OR_CRIMINAL = {DataCategory.HEALTH, DataCategory.SPECIAL, DataCategory.CRIMINAL_OFFENCE}

# Longest free text, in characters: room for a thorough account, not for a pasted file.
LONG_TEXT = 10_000  # the account of what happened, an update, the reasons for a decision
MEDIUM_TEXT = 4_000  # consequences, containment, reasons for delay, triage and status notes
SHORT_TEXT = 1_000  # lists: systems, devices, who else knows, processors


def bounded_text(verbose_name=None, *, max_length: int, **kwargs) -> models.TextField:
    """A TextField whose length is checked by the model (services call full_clean) as well as
    the form (Django passes max_length to the form field and the textarea)."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


class Incident(models.Model):
    """A suspected breach or misuse of information, systems or devices, from first notification
    to closure. The full report is frozen when submitted; later facts are dated updates."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", "Full report due"
        REPORTED = "reported", "Reported"
        TRIAGED = "triaged", "Triaged"
        INVESTIGATING = "investigating", "Investigating"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        PORTAL = "portal", "Reported in the portal"
        DEVICE = "device", "Lost or stolen device"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Likelihood(models.TextChoices):
        REMOTE = "remote", "Remote"
        POSSIBLE = "possible", "Possible"
        LIKELY = "likely", "Likely"
        ALMOST_CERTAIN = "almost_certain", "Almost certain"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incidents_reported")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOTIFIED)
    created_at = models.DateTimeField(default=timezone.now)

    # The 12-hour clock. Awareness is fixed at first notification: the reporter cannot move
    # their own deadline; a correction is a dated update for the Data Office to weigh.
    aware_at = models.DateTimeField("when you became aware")
    due_at = models.DateTimeField("full report due")
    late_at = models.DateTimeField("marked late", null=True, blank=True)
    late_from_start = models.BooleanField(default=False, help_text="Awareness was over 12 hours before the report.")
    submitted_at = models.DateTimeField("full report submitted", null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    # Counts the saves of the report: a page sends the version it shows, and a save from a page
    # that is behind (another tab, another device) is refused rather than overwriting newer work.
    draft_version = models.PositiveIntegerField(default=0, editable=False)
    # The one-time token of the first-notification form that created this incident: a repeat of
    # that submission (double click, retry, resend) finds this incident instead of making another.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    # First notification: a minute's work, even on a phone.
    summary = models.CharField("what happened, in a sentence", max_length=300)
    personal_data_involved = models.CharField(max_length=10, choices=YesNoUnknown.choices)
    device_involved = models.CharField(max_length=10, choices=YesNoUnknown.choices)

    # The full report: what a regulator's breach notification asks for.
    what_happened = bounded_text(max_length=LONG_TEXT, blank=True)
    where_happened = models.CharField(max_length=300, blank=True)
    happened_at = models.DateTimeField("when it happened", null=True, blank=True)
    breach_kinds = models.JSONField(default=list, blank=True)
    systems_involved = bounded_text(max_length=SHORT_TEXT, blank=True)
    # Free text until the devices app links devices; it fills `asset_tags` for lost or stolen kit.
    devices_involved = bounded_text(max_length=SHORT_TEXT, blank=True)
    asset_tags = models.CharField(max_length=200, blank=True)
    first_seen_by = models.CharField(max_length=200, blank=True)
    people_categories = models.JSONField(default=list, blank=True)
    people_affected = models.PositiveIntegerField("approximate number of people affected", null=True, blank=True)
    data_categories = models.JSONField(default=list, blank=True)
    records_affected = models.PositiveIntegerField("approximate number of records", null=True, blank=True)
    likely_consequences = bounded_text(max_length=MEDIUM_TEXT, blank=True)
    containment = bounded_text("containment taken or proposed", max_length=MEDIUM_TEXT, blank=True)
    others_aware = bounded_text("who else knows", max_length=SHORT_TEXT, blank=True)
    processors_involved = bounded_text(max_length=SHORT_TEXT, blank=True)
    delay_reasons = bounded_text("reasons for any delay", max_length=MEDIUM_TEXT, blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    contact_email = models.EmailField(blank=True)

    # Data Office triage.
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)
    likelihood = models.CharField(max_length=20, choices=Likelihood.choices, blank=True)
    personal_data_breach = models.BooleanField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents_owned"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    # The second clock: awareness + 72 hours, set when a report that may involve personal data
    # arrives (or when triage finds a breach), cleared if triage finds no personal data breach.
    decision_due_at = models.DateTimeField("regulator decision due", null=True, blank=True)
    decision_overdue_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["reporter", "-created_at"], name="incidents_by_reporter"),
            models.Index(fields=["status", "due_at"], name="incidents_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("aware_at")),
                name="incidents_due_after_awareness",
                violation_error_message="The report is due after the awareness time.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="reported") | models.Q(submitted_at__isnull=False),
                name="incidents_reported_was_submitted",
                violation_error_message="A reported incident has a submitted full report.",
            ),
            models.CheckConstraint(
                condition=(models.Q(status="closed") & models.Q(closed_at__isnull=False))
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="incidents_closed_has_closing_time",
                violation_error_message="A closed incident records when it closed, and only then.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["triaged", "investigating"]) | models.Q(triaged_at__isnull=False),
                name="incidents_triaged_has_triage",
                violation_error_message="A triaged incident records its triage.",
            ),
            models.CheckConstraint(
                condition=models.Q(triaged_by__isnull=True) | ~models.Q(triaged_by=models.F("reporter")),
                name="incidents_not_triaged_by_reporter",
                violation_error_message="A reviewer cannot triage an incident they reported.",
            ),
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True) | ~models.Q(owner=models.F("reporter")),
                name="incidents_not_owned_by_reporter",
                violation_error_message="The reporter cannot own their own incident.",
            ),
            # The 72-hour clock runs from arrival for a report that may involve personal data,
            # always for a personal data breach, and never once triage says it is not one.
            models.CheckConstraint(
                condition=~models.Q(personal_data_breach=True) | models.Q(decision_due_at__isnull=False),
                name="incidents_breach_has_decision_clock",
                violation_error_message="A personal data breach has a 72-hour decision clock.",
            ),
            models.CheckConstraint(
                condition=~models.Q(personal_data_breach=False) | models.Q(decision_due_at__isnull=True),
                name="incidents_no_decision_clock_unless_breach",
                violation_error_message="An incident triaged as not a personal data breach has no 72-hour clock.",
            ),
            models.UniqueConstraint(
                fields=["reporter", "submission_token"],
                condition=models.Q(submission_token__isnull=False),
                name="incidents_one_incident_per_submission",
                violation_error_message="This form has been sent already.",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.summary}"

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", args=[self.pk])

    def get_review_url(self):
        return reverse("incidents:incident_review", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"INC-{self.pk:05d}" if self.pk else "INC-new"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_late(self) -> bool:
        return self.late_at is not None

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def may_involve_personal_data(self) -> bool:
        """Until triage says otherwise, "yes" or "not sure" from the reporter is enough."""
        if self.personal_data_breach is not None:
            return self.personal_data_breach
        return self.personal_data_involved in (YesNoUnknown.YES, YesNoUnknown.UNKNOWN)

    @property
    def has_decision(self) -> bool:
        try:
            return self.decision is not None
        except RegulatorDecision.DoesNotExist:
            return False


class IncidentStep(TimerStep):
    """One rung of an incident's escalation ladder (see incidents.ladders), fired once by the sweep."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="steps")
    ladder = models.CharField(max_length=20, choices=[("report", "12-hour report"), ("decision", "72-hour decision")])
    emails = GenericRelation(
        "portal.OutboundEmail", content_type_field="cause_type", object_id_field="cause_id", related_query_name="step"
    )

    class Meta(TimerStep.Meta):
        constraints = [
            *TimerStep.Meta.constraints,
            models.UniqueConstraint(
                fields=["incident", "step"],
                name="incidents_step_once_per_incident",
                violation_error_message="Each step of the ladder exists once per incident.",
            ),
        ]

    def __str__(self):
        return f"{self.step} due {local_datetime(self.due_at)}"


class IncidentEvent(ChainedRecord):
    """One line of an incident's timeline. Never changed or deleted."""

    class Kind(models.TextChoices):
        FIRST_NOTIFICATION = "first_notification", "First notification"
        LATE_FROM_START = "late_from_start", "Reported after the 12 hours"
        REPORT_SUBMITTED = "report_submitted", "Full report submitted"
        UPDATE_ADDED = "update_added", "Update added"
        ATTACHMENT_ADDED = "attachment_added", "Attachment added"
        STEP_FIRED = "step_fired", "Escalation step"
        STEPS_CANCELLED = "steps_cancelled", "Escalation steps cancelled"
        TRIAGED = "triaged", "Triaged"
        DECISION_CLOCK_STARTED = "decision_clock_started", "72-hour decision clock started"
        DECISION_RECORDED = "decision_recorded", "Regulator decision recorded"
        STATUS_CHANGED = "status_changed", "Status changed"
        NOTE = "note", "Note"  # from another app, e.g. a lost device handed in or wiped

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # None: the system (an escalation step)
    text = models.TextField(blank=True)
    step = models.ForeignKey(IncidentStep, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    visible_to_reporter = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["incident", "at"], name="incidents_event_timeline")]
        constraints = [
            models.UniqueConstraint(
                fields=["step"],
                condition=models.Q(step__isnull=False),
                name="incidents_event_once_per_step",
                violation_error_message="A step writes one timeline entry.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {local_datetime(self.at)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Timeline entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Timeline entries are never deleted.")


class IncidentUpdate(models.Model):
    """A fact added after the report, dated; the original report is never overwritten."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    text = bounded_text(max_length=LONG_TEXT)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Update to {self.incident.reference} at {local_datetime(self.created_at)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Updates are never changed; add another.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Updates are never deleted.")


def _attachment_path(instance, filename: str) -> str:
    # The stored name never contains what the uploader typed: no path tricks, no guessable URLs.
    return f"incidents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class IncidentAttachment(models.Model):
    """A screenshot or document for an incident: stored privately, served only to those who may
    see the incident (never from a public media URL)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, help_text="Found from the file's content, not its name.")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Shows the evidence is unchanged.")

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class RegulatorDecision(models.Model):
    """The Data Office's decision on a personal data breach: tell the Information Commissioner or
    not, within 72 hours of awareness, with reasons. Recorded once."""

    class Regime(models.TextChoices):
        UK_GDPR = "uk_gdpr", "UK GDPR (general processing)"
        DPA_PART_3 = "dpa_part_3", "Data Protection Act 2018 Part 3 (law-enforcement processing)"

    class Risk(models.TextChoices):
        UNLIKELY = "unlikely", "Unlikely to result in a risk to people's rights and freedoms"
        RISK = "risk", "Likely to result in a risk to people's rights and freedoms"
        HIGH = "high", "Likely to result in a high risk to people's rights and freedoms"

    class Outcome(models.TextChoices):
        NOTIFIED = "notified", "Notified to the Information Commissioner"
        NOT_NOTIFIABLE = "not_notifiable", "Not notifiable"

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="decision")
    regime = models.CharField(max_length=20, choices=Regime.choices)
    risk_rating = models.CharField(max_length=20, choices=Risk.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    ico_reference = models.CharField("ICO case reference", max_length=100, blank=True)
    ico_notified_at = models.DateTimeField("when the ICO was notified", null=True, blank=True)
    people_told = models.BooleanField("the people affected must be told")
    people_told_reasons = bounded_text("why the people affected will not be told", max_length=MEDIUM_TEXT, blank=True)
    reasons = bounded_text(max_length=LONG_TEXT)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    decided_late = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="notified")
                | (models.Q(ico_reference__gt="") & models.Q(ico_notified_at__isnull=False)),
                name="incidents_notified_has_reference",
                violation_error_message="A notification to the ICO records its reference and time.",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="not_notifiable") | models.Q(risk_rating="unlikely"),
                name="incidents_not_notifiable_only_if_unlikely_risk",
                violation_error_message="Only a breach unlikely to result in a risk may be left unnotified.",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasons=""),
                name="incidents_decision_has_reasons",
                violation_error_message="A decision records its reasons.",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.incident.reference})"
