"""Lost and stolen reports, and the SIM blocks and remote wipes asked for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from devices.core.models.catalogue import TechBar
from devices.core.models.device import Device


class DeviceLoss(models.Model):
    """A device reported lost or stolen by its holder: when they noticed, where, and the security
    incident it opened. At most one open (not yet found) per device, so a double submit cannot
    report one loss twice."""

    class Kind(models.TextChoices):
        LOST = "lost", "Lost"
        STOLEN = "stolen", "Stolen"

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="losses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_losses")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    noticed_at = models.DateTimeField(help_text="When the holder noticed: the incident's awareness time.")
    where = models.CharField(max_length=300)
    # devices may depend on incidents, never the reverse (STYLE.md).
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="device_losses", null=True, blank=True
    )
    found_at = models.DateTimeField(null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at_tech_bar = models.ForeignKey(TechBar, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = "lost or stolen report"
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(found_at__isnull=True),
                name="devices_one_open_loss",
                violation_error_message="This device is already reported lost or stolen.",
            )
        ]

    def __str__(self):
        return f"{self.device.asset_tag} {self.get_kind_display().lower()}"


class RemoteAction(models.Model):
    """A SIM block or a remote wipe asked for a lost or stolen device, tracked until it is done.

    The MDM adapter (`devices.losses.mdm`, chosen by KITBAG_MDM_ADAPTER) carries it out; state changes go
    through `devices.losses.services.remote` only, along `TRANSITIONS`."""

    class Kind(models.TextChoices):
        SIM_BLOCK = "sim_block", "SIM block"
        WIPE = "wipe", "Remote wipe"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SENT = "sent", "Sent"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        FOUND = "found", "Ended: device found"

    TRANSITIONS = {
        # done: carried out by hand before sending; found: the device turned up, so it is not wanted
        Status.REQUESTED: {Status.SENT, Status.DONE, Status.FAILED, Status.FOUND},
        Status.SENT: {Status.DONE, Status.FAILED, Status.FOUND},
        Status.FAILED: {Status.REQUESTED, Status.FOUND},  # asked again
        Status.DONE: set(),
        Status.FOUND: set(),
    }
    OPEN = (Status.REQUESTED, Status.SENT)

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="remote_actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    loss = models.ForeignKey(DeviceLoss, null=True, blank=True, on_delete=models.PROTECT, related_name="remote_actions")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="device_remote_actions"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    adapter = models.CharField(max_length=100, blank=True, help_text="The MDM adapter that sent it.")
    external_id = models.CharField(
        max_length=200, blank=True, help_text="The MDM's own id for the device or the action."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    failure_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=Q(status__in=["requested", "sent"]),
                name="devices_one_open_remote_action",
                violation_error_message="This device already has this remote action under way.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.device.asset_tag} ({self.get_status_display().lower()})"
