"""Devices, who holds them and every change of custody.

Status changes only through `devices.core.services`, and only along the edges of `Device.TRANSITIONS`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from devices.core.models.catalogue import DeviceModel, TechBar
from portal.audit_chain import ChainedRecord
from portal.formats import local_datetime


class Device(models.Model):
    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        ISSUED = "issued", "Issued"
        RETURNED = "returned", "Returned (awaiting triage)"
        IN_REPAIR = "in_repair", "In repair"
        DISPOSED = "disposed", "Disposed"
        LOST = "lost", "Lost"
        STOLEN = "stolen", "Stolen"

    # The state machine of DESIGN.md: from -> allowed next states.
    TRANSITIONS = {
        # lost: missing from the shelf at a stocktake (devices.stock.services.stocktake), reported by the Tech Bar.
        Status.IN_STOCK: {Status.ISSUED, Status.LOST},
        Status.ISSUED: {Status.RETURNED, Status.LOST, Status.STOLEN},
        Status.RETURNED: {Status.IN_STOCK, Status.IN_REPAIR, Status.DISPOSED},
        Status.IN_REPAIR: {Status.RETURNED},
        Status.LOST: {Status.RETURNED},  # it turned up: back to triage
        Status.STOLEN: {Status.RETURNED},
        Status.DISPOSED: set(),
    }

    asset_tag = models.CharField(max_length=30, unique=True, help_text="Printed on the device's barcode label.")
    serial_number = models.CharField(max_length=100, blank=True, db_index=True)  # scanned at counters
    imei = models.CharField("IMEI", max_length=17, blank=True)
    phone_number = models.CharField(max_length=20, blank=True)
    sim_iccid = models.CharField("SIM ICCID", max_length=22, blank=True)
    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="devices")
    mdm_enrolment_id = models.CharField("MDM enrolment id", max_length=100, blank=True)
    mdm_enrolled_on = models.DateField("enrolled in the MDM on", null=True, blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    end_of_life_date = models.DateField(null=True, blank=True)
    tech_bar = models.ForeignKey(
        TechBar, null=True, blank=True, on_delete=models.PROTECT, related_name="devices", help_text="Where it sits."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_STOCK, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["asset_tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["imei"],
                condition=~Q(imei=""),
                name="devices_device_imei_unique",
                violation_error_message="Another device has this IMEI.",
            ),
            # One tag whatever its case: a label read as "kb000123" is KB000123 (lookups use iexact).
            models.UniqueConstraint(
                Upper("asset_tag"),
                name="devices_device_asset_tag_unique_any_case",
                violation_error_message="Another device has this asset tag (in capitals or not).",
            ),
        ]

    def __str__(self):
        return f"{self.asset_tag} ({self.model})"


class Assignment(models.Model):
    """Who held a device from when to when. At most one open assignment per device."""

    class ReturnReason(models.TextChoices):
        FAULTY = "faulty", "Faulty"
        END_OF_LIFE = "end_of_life", "End of life"
        DAMAGED = "damaged", "Damaged"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
        LEAVER = "leaver", "Leaver"
        FOUND = "found", "Found after loss or theft"
        LOST = "lost", "Reported lost"
        STOLEN = "stolen", "Reported stolen"

    # What a counter may choose when it takes a device back; lost and stolen end an assignment
    # through the holder's report (devices.losses.services.losses), never at a counter.
    COUNTER_REASONS = ("faulty", "damaged", "end_of_life", "no_longer_needed", "leaver", "found")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="assignments")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at_tech_bar = models.ForeignKey(TechBar, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.CharField(max_length=20, choices=ReturnReason.choices, blank=True)
    condition = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(returned_at__isnull=True),
                name="devices_one_open_assignment",
                violation_error_message="This device is already issued to someone.",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("issued_at")),
                name="devices_returned_after_issued",
                violation_error_message="A device cannot come back before it was issued.",
            ),
        ]
        indexes = [models.Index(fields=["holder", "returned_at"], name="devices_assign_holder_open")]

    def __str__(self):
        return f"{self.device.asset_tag} to {self.holder_id}"


def full_stop(text: str, *, max_length: int) -> str:
    """A history sentence ends with a full stop (or its own ? ! or closing punctuation), however
    the note was put together from what someone typed."""
    text = text.strip()
    if not text or text[-1] in ".?!…":
        return text
    return text[: max_length - 1] + "."


class DeviceEvent(ChainedRecord):
    """The custody history: one row per change, written by the service that made it."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received into stock"
        ISSUED = "issued", "Issued"
        RETURNED = "returned", "Returned"
        TRIAGED = "triaged", "Triaged"
        REPORTED_LOST = "lost", "Reported lost"
        REPORTED_STOLEN = "stolen", "Reported stolen"
        REPORTED_FAULTY = "faulty", "Reported faulty"
        FOUND = "found", "Found after loss or theft"
        REMOTE_ACTION = "remote_action", "Remote action"
        TRANSFER_SENT = "transfer_sent", "Sent to another Tech Bar"
        TRANSFER_RECEIVED = "transfer_received", "Received from another Tech Bar"
        LENT = "lent", "Lent"

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tech_bar = models.ForeignKey(TechBar, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(
        max_length=20, choices=Device.Status.choices, blank=True, help_text="Empty for a device just received."
    )
    to_status = models.CharField(max_length=20, choices=Device.Status.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    counter_visit = models.ForeignKey(
        "devices.CounterVisit", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    # A swap: the replacement's "issued" event points at the "taken back" event of the device it
    # replaces, written with it (events are insert-only); `related_event` reads either half.
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="In a swap: the event of the device this one replaces.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A device's status at a past instant is its latest event then (devices.figures).
            models.Index(fields=["device", "created_at"], name="devices_event_device_time"),
            # The activity report's capped count filtered by event and by kind or model of device:
            # the events of one kind read in device order (index only) and merged with the devices,
            # not each event's device looked up one by one (1x bench: 60-140 ms -> 3-6 ms).
            models.Index(fields=["kind", "device"], name="devices_event_kind_device"),
        ]

    def save(self, *args, **kwargs):
        if self._state.adding:  # before the row is sealed into its chain
            self.note = full_stop(self.note, max_length=500)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.device_id} {self.kind} {local_datetime(self.created_at)}"

    @property
    def related_event(self) -> "DeviceEvent | None":
        """The other half of a swap, from either side."""
        if self.replaces_id is not None:
            return self.replaces
        try:
            return self.replaced_by
        except DeviceEvent.DoesNotExist:
            return None
