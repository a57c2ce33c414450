"""Kit entitlements (the standard kit per role) and requests for a device.

Re-exported by `devices.models`; written only by `devices.requests.services`. A request's
`reserved_device` is set only while the request is READY (released, cancelled or collected
clears it), so a device is reserved for at most one open request and may be reserved again
once it comes back; the collected device is the request's `assignment.device`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone

from devices.core.models.catalogue import DeviceModel, TechBar
from portal.formats import local_datetime
from portal.models import Role
from portal.timers import TimerStep


class KitEntitlement(models.Model):
    """How many devices of a kind a role holds as standard kit (optionally in one team only)."""

    role = models.CharField(max_length=50, choices=Role.choices)
    team = models.CharField(
        max_length=100, blank=True, help_text="Leave blank for every team; a team's row adds to the role's standard."
    )
    kind = models.CharField(max_length=20, choices=DeviceModel.Kind.choices)
    quantity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["role", "team", "kind"]
        verbose_name = "kit entitlement"
        constraints = [
            models.UniqueConstraint(
                fields=["role", "team", "kind"],
                name="devices_kit_entitlement_unique",
                violation_error_message="This role (and team) already has an entitlement for this kind of device.",
            ),
        ]

    def __str__(self):
        where = f" in {self.team}" if self.team else ""
        return f"{self.get_role_display()}{where}: {self.quantity} {self.get_kind_display().lower()}"


class DeviceRequest(models.Model):
    """Someone asks for a device; approved when outside the standard kit; reserved; collected."""

    class Reason(models.TextChoices):
        NEW_STARTER = "new_starter", "New starter"
        REPLACEMENT = "replacement", "Replacement"
        WORKPLACE_ADJUSTMENT = "workplace_adjustment", "Workplace adjustment"
        SPECIALIST = "specialist", "Specialist requirement"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        READY = "ready", "Ready for collection"
        COLLECTED = "collected", "Collected"
        CANCELLED = "cancelled", "Cancelled"

    # The state machine: from -> allowed next states (devices.requests.services walks only these).
    TRANSITIONS = {
        Status.SUBMITTED: {Status.APPROVED, Status.REFUSED, Status.CANCELLED},
        Status.APPROVED: {Status.READY, Status.CANCELLED},
        Status.READY: {Status.COLLECTED, Status.APPROVED, Status.CANCELLED},  # approved again: released
        Status.REFUSED: set(),
        Status.COLLECTED: set(),
        Status.CANCELLED: set(),
    }
    OPEN_STATUSES = (Status.SUBMITTED, Status.APPROVED, Status.READY)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_requests", help_text="Who needs it."
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DeviceModel.Kind.choices)
    device_model = models.ForeignKey(
        DeviceModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="A specific model, or blank for any model of the kind.",
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    details = models.TextField(blank=True)
    collect_at = models.ForeignKey(
        TechBar, on_delete=models.PROTECT, related_name="device_requests", verbose_name="collect at"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    needs_approval = models.BooleanField(default=False, help_text="Outside the standard kit: a supervisor approves.")
    needs_admin_approval = models.BooleanField(
        default=False, help_text="A model marked approval required: a Portal admin approves as well."
    )
    supervisor_decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervisor_decision_at = models.DateTimeField(null=True, blank=True)
    supervisor_decision_why = models.TextField(blank=True)
    admin_decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admin_decision_at = models.DateTimeField(null=True, blank=True)
    admin_decision_why = models.TextField(blank=True)
    reserved_device = models.OneToOneField(
        "devices.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="reserved_for"
    )
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reserved_at = models.DateTimeField(null=True, blank=True)
    assignment = models.ForeignKey(
        "devices.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="device_requests"
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_why = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "device request"
        constraints = [
            models.UniqueConstraint(
                fields=["reserved_device"],
                condition=Q(reserved_device__isnull=False),
                name="devices_request_device_reserved_once",
                violation_error_message="This device is already reserved for another request.",
            ),
            models.CheckConstraint(
                condition=Q(reserved_device__isnull=True) | Q(status="ready"),
                name="devices_request_reserved_only_when_ready",
                violation_error_message="Only a request ready for collection has a reserved device.",
            ),
            models.CheckConstraint(
                condition=~Q(status="collected") | Q(assignment__isnull=False),
                name="devices_request_collected_has_assignment",
                violation_error_message="A collected request records the issue.",
            ),
        ]
        indexes = [models.Index(fields=["requester", "status"], name="devices_request_person_status")]

    def __str__(self):
        what = self.device_model or self.get_kind_display().lower()
        return f"Request {self.pk}: {what} for {self.requester}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def waiting_for_admin(self) -> bool:
        """Approved by the supervisor, waiting for a Portal admin's step."""
        return (
            self.status == self.Status.SUBMITTED
            and self.needs_admin_approval
            and self.supervisor_decision_at is not None
            and self.admin_decision_at is None
        )


class DeviceRequestStep(TimerStep):
    """One rung of a request's ladder (see devices.requests.ladder), fired once by the sweep."""

    request = models.ForeignKey(DeviceRequest, on_delete=models.PROTECT, related_name="steps")
    emails = GenericRelation(
        "portal.OutboundEmail", content_type_field="cause_type", object_id_field="cause_id", related_query_name="+"
    )

    class Meta(TimerStep.Meta):
        verbose_name = "device request step"
        constraints = [
            *TimerStep.Meta.constraints,
            models.UniqueConstraint(
                fields=["request", "step"],
                name="devices_request_step_once",
                violation_error_message="Each step of the ladder exists once per request.",
            ),
        ]

    def __str__(self):
        return f"{self.step} due {local_datetime(self.due_at)}"
