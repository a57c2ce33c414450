"""The incident itself: first notification, full report, triage and status, in one row."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone

from incidents.models.choices import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, YesNoUnknown, bounded_text


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
            # The queue hides closed incidents unless asked: its count and its page read the open
            # ones alone, however many closed incidents pile up (1x bench: 1,007 open of 20,000).
            models.Index(fields=["id"], condition=~models.Q(status="closed"), name="incidents_open"),
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
        except ObjectDoesNotExist:  # the reverse one-to-one raises while no decision is recorded
            return False
