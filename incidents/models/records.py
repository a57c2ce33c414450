"""What hangs off an incident: escalation steps, the timeline, updates, attachments and the regulator decision."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from incidents.models.choices import LONG_TEXT, MEDIUM_TEXT, bounded_text
from incidents.models.incident import Incident
from portal.audit_chain import ChainedRecord
from portal.formats import local_datetime
from portal.timers import TimerStep


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
