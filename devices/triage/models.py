"""Triage of returned devices: the admin queue (a proxy) and the outcome decided for each."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from devices.core.models.catalogue import TechBar
from devices.core.models.device import Device, DeviceEvent


class TriageDevice(Device):
    """The triage queue in the admin: returned devices waiting for an outcome, and devices in
    repair waiting to come back. A proxy, so the queue has its own admin permissions."""

    class Meta:
        proxy = True
        verbose_name = "device to triage"
        verbose_name_plural = "Triage: returned devices"


class DeviceTriage(models.Model):
    """What was decided for a returned device, or that it came back from repair: written only by
    `devices.triage.services`, beside the custody event it explains."""

    class Outcome(models.TextChoices):
        STOCK = "stock", "Back to stock (wiped and checked)"
        REPAIR = "repair", "Sent for repair"
        DISPOSAL = "disposal", "Disposed of"
        BACK_FROM_REPAIR = "back_from_repair", "Back from repair"

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="triages")
    event = models.OneToOneField(DeviceEvent, on_delete=models.PROTECT, related_name="triage")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    tech_bar = models.ForeignKey(TechBar, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who wiped and checked it, for a device back to stock.",
    )
    supplier_reference = models.CharField(max_length=100, blank=True)
    disposal_reference = models.CharField("disposal certificate reference", max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "triage outcome"
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="stock") | Q(checked_by__isnull=False),
                name="devices_triage_stock_checked",
                violation_error_message="A device goes back to stock only once someone has wiped and checked it.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="repair") | ~Q(supplier_reference=""),
                name="devices_triage_repair_reference",
                violation_error_message="A device sent for repair needs the supplier's reference.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="disposal") | ~Q(disposal_reference=""),
                name="devices_triage_disposal_reference",
                violation_error_message="A disposal needs its disposal certificate reference.",
            ),
        ]

    def __str__(self):
        return f"{self.device_id} {self.get_outcome_display().lower()}"
