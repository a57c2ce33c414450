"""Leaver cases: everything a leaving person holds, each item to an end, chased on time.

Re-exported by `devices.models`; written only by
`devices.leavers.services`. Beyond the shared contract there is one more model, `LeaverEvent`: the case's
timeline (opened, date moved, line ended, signed off, ready for account closure, deactivated...),
each with its actor and reason, so other systems and the pages can read what happened and why.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.formats import local_datetime
from portal.timers import TimerStep


class LeaverPropertyKind(models.Model):
    """Force property that is not a device (warrant or ID card, radio...): one line on every case."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Where it comes in the list of a case's lines.")
    is_active = models.BooleanField(default=True, help_text="Untick to stop adding it to new cases.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "leaver property kind"

    def __str__(self):
        return self.name


class CommandUnitLead(models.Model):
    """Who is told when a command unit's leaver is a week overdue."""

    command_unit = models.CharField(max_length=100, unique=True, help_text="As the HR feed spells it.")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="command_units_led")

    class Meta:
        ordering = ["command_unit"]
        verbose_name = "command unit lead"

    def __str__(self):
        return f"{self.command_unit}: {self.lead}"


class LeaverCase(models.Model):
    """One person's leaving: their leaving date, and (as lines) everything they must hand back."""

    class Source(models.TextChoices):
        SUPERVISOR = "supervisor", "Their supervisor"
        ADMIN = "admin", "A Portal admin"
        HR_IMPORT = "hr_import", "The HR import"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leaver_cases")
    leaving_date = models.DateField(db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    ready_for_account_closure_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the case closed: the person's accounts may be closed."
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["leaving_date", "pk"]
        verbose_name = "leaver case"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="open"),
                name="devices_leaver_one_open_case",
                violation_error_message="This person already has an open leaver case.",
            ),
        ]
        indexes = [
            # The list of open cases, soonest first: its count and a page's ids read only the open
            # cases (the leaving date's own index walked every closed case dated before them).
            models.Index(fields=["leaving_date", "id"], condition=Q(status="open"), name="devices_leaver_open_by_date"),
        ]

    def __str__(self):
        return f"Leaver case {self.pk}: {self.person} leaving {self.leaving_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class LeaverLine(models.Model):
    """One item on a case: a device assignment, a property kind or a returnable accessory kind
    held, outstanding until it ends."""

    class Outcome(models.TextChoices):
        OUTSTANDING = "", "Outstanding"
        RETURNED = "returned", "Returned"
        LOST = "lost", "Lost"
        WRITTEN_OFF = "written_off", "Written off"

    case = models.ForeignKey(LeaverCase, on_delete=models.PROTECT, related_name="lines")
    assignment = models.ForeignKey(
        "devices.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="leaver_lines"
    )
    property_kind = models.ForeignKey(
        LeaverPropertyKind, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    accessory_kind = models.ForeignKey(
        "devices.AccessoryKind", null=True, blank=True, on_delete=models.PROTECT, related_name="leaver_lines"
    )
    accessory_quantity = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a returnable accessory: how many they held when the case opened."
    )
    description = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    handed_to_supervisor_at = models.DateTimeField(null=True, blank=True)
    handed_to_supervisor_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at_tech_bar = models.ForeignKey(
        "devices.TechBar", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # Devices first, then property in the list's order, the same on every database.
        ordering = ["case", models.F("property_kind__order").asc(nulls_first=True), "pk"]
        verbose_name = "leaver case line"
        constraints = [
            models.CheckConstraint(
                condition=(Q(assignment__isnull=False) & Q(property_kind__isnull=True) & Q(accessory_kind__isnull=True))
                | (Q(assignment__isnull=True) & Q(property_kind__isnull=False) & Q(accessory_kind__isnull=True))
                | (Q(assignment__isnull=True) & Q(property_kind__isnull=True) & Q(accessory_kind__isnull=False)),
                name="devices_leaver_line_device_or_property",
                violation_error_message="A line is either a device, a property item or a returnable accessory.",
            ),
            models.UniqueConstraint(
                fields=["case", "assignment"],
                name="devices_leaver_line_assignment_once",
                violation_error_message="This device is already on the case.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", ended_at__isnull=True) | (~Q(outcome="") & Q(ended_at__isnull=False)),
                name="devices_leaver_line_ended_with_outcome",
                violation_error_message="A line has an outcome exactly when it has ended.",
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def is_device(self) -> bool:
        return self.assignment_id is not None

    @property
    def is_outstanding(self) -> bool:
        return self.ended_at is None


class LeaverEvent(models.Model):
    """One line of a case's timeline. Never changed or deleted."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Case opened"
        DATE_MOVED = "date_moved", "Leaving date moved"
        CANCELLED = "cancelled", "Case cancelled"
        LINE_ADDED = "line_added", "Item added"
        LINE_HANDED = "line_handed", "Handed to the supervisor"
        LINE_ENDED = "line_ended", "Item ended"
        SIGNED_OFF = "signed_off", "Signed off by the supervisor"
        CLOSED = "closed", "Case closed: ready for account closure"
        STEP_FIRED = "step_fired", "Reminder or escalation sent"
        DEACTIVATED = "deactivated", "Person deactivated"
        REACTIVATED = "reactivated", "Person reactivated"

    case = models.ForeignKey(LeaverCase, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    line = models.ForeignKey(LeaverLine, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "leaver case event"

    def __str__(self):
        return f"{self.get_kind_display()} {local_datetime(self.created_at)}"


class LeaverStep(TimerStep):
    """One rung of a case's ladder (see devices.leavers.ladder), fired once by the sweep."""

    case = models.ForeignKey(LeaverCase, on_delete=models.PROTECT, related_name="steps")
    emails = GenericRelation(
        "portal.OutboundEmail", content_type_field="cause_type", object_id_field="cause_id", related_query_name="+"
    )

    class Meta(TimerStep.Meta):
        verbose_name = "leaver case step"
        constraints = [
            *TimerStep.Meta.constraints,
            models.UniqueConstraint(
                fields=["case", "step"],
                name="devices_leaver_step_once_per_case",
                violation_error_message="Each step of the ladder exists once per case.",
            ),
        ]

    def __str__(self):
        return f"{self.step} due {local_datetime(self.due_at)}"
