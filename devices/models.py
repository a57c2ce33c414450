"""Devices, where they sit, who holds them and every change of custody.

Status changes only through `devices.services`, and only along the edges of `Device.TRANSITIONS`.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.formats import local_datetime
from portal.models import Role


class TechBar(models.Model):
    """A walk-up service counter that issues, takes back and triages kit."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    location = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="tech_bars",
        limit_choices_to={"groups__name": Role.TECH_BAR.value},
        help_text="Tech Bar staff who work here: their counter opens at this Tech Bar.",
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="tech_bars_led",
        limit_choices_to={"groups__name": Role.TECH_BAR.value},
        verbose_name="Tech Bar leads",
        help_text="May approve write-offs; told when a leaver whose kit came from here is overdue.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Tech Bar"

    def __str__(self):
        return self.name


class TechBarOpeningHours(models.Model):
    """When a Tech Bar's counter is open on one day of the week (shown to officers). A day
    without a row is a day it is closed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    tech_bar = models.ForeignKey(TechBar, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField(default=datetime.time(8, 0))
    closes = models.TimeField(default=datetime.time(17, 0))

    class Meta:
        ordering = ["tech_bar", "weekday"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(
                fields=["tech_bar", "weekday"],
                name="devices_opening_hours_once_a_day",
                violation_error_message="This Tech Bar already has opening hours for this day.",
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="devices_opening_hours_close_after_open",
                violation_error_message="A Tech Bar closes after it opens.",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}\u2013{self.closes:%H:%M}"


class DeviceModel(models.Model):
    class Kind(models.TextChoices):
        SMARTPHONE = "smartphone", "Smartphone"
        TABLET = "tablet", "Tablet"
        LAPTOP = "laptop", "Laptop"
        OTHER = "other", "Other"

    make = models.CharField(max_length=100)
    model_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    operating_system = models.CharField(max_length=50, blank=True)
    unit_cost = models.DecimalField(
        "unit cost (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What one costs, in pounds.",
    )
    expected_life_months = models.PositiveSmallIntegerField(
        "expected life (months)", null=True, blank=True, help_text="How long one lasts in service."
    )
    approval_required = models.BooleanField(
        default=False, help_text="Issued only once someone has approved it (for example a laptop on request)."
    )
    retired = models.BooleanField(
        default=False,
        help_text="No longer issued: devices of a retired model may sit in stock but the counter refuses them.",
    )

    class Meta:
        ordering = ["make", "model_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["make", "model_name"],
                name="devices_model_unique",
                violation_error_message="This make and model already exist.",
            )
        ]

    def __str__(self):
        return f"{self.make} {self.model_name}"


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
        # lost: missing from the shelf at a stocktake (devices.stocktake), reported by the Tech Bar.
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
            )
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
    # through the holder's report (devices.losses), never at a counter.
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


class DeviceEvent(models.Model):
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
    # A swap: the device taken back and its replacement point at each other.
    related_event = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The other half of a swap."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.device_id} {self.kind} {local_datetime(self.created_at)}"


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

    The MDM adapter (`devices.mdm`, chosen by KITBAG_MDM_ADAPTER) carries it out; state changes go
    through `devices.remote` only, along `TRANSITIONS`."""

    class Kind(models.TextChoices):
        SIM_BLOCK = "sim_block", "SIM block"
        WIPE = "wipe", "Remote wipe"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SENT = "sent", "Sent"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    TRANSITIONS = {
        Status.REQUESTED: {Status.SENT, Status.DONE, Status.FAILED},  # done: carried out by hand before sending
        Status.SENT: {Status.DONE, Status.FAILED},
        Status.FAILED: {Status.REQUESTED},  # asked again
        Status.DONE: set(),
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


# --- The counter ----------------------------------------------------------------------------------
class CounterVisit(models.Model):
    """One person at one Tech Bar counter: what they handed back and took away, confirmed once,
    printed as a receipt. Written only by `devices.services.counter_visit_confirm`."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="counter_visits")
    tech_bar = models.ForeignKey(TechBar, on_delete=models.PROTECT, related_name="counter_visits")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Who served them."
    )
    confirmed_at = models.DateTimeField(default=timezone.now, db_index=True)
    conditions_version = models.ForeignKey(
        "policy.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The ICT Conditions of Use version the person had accepted when they confirmed.",
    )
    accepted_here = models.ForeignKey(
        "policy.Acknowledgement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Their acceptance, when they accepted the conditions of use at this counter.",
    )

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = "counter visit"
        indexes = [models.Index(fields=["person", "confirmed_at"], name="devices_visit_person")]

    def __str__(self):
        return f"Receipt {self.reference}"

    @property
    def reference(self) -> str:
        return f"TB-{self.pk:06d}"

    @property
    def lines_by_direction(self) -> list[tuple[str, list["CounterLine"]]]:
        """For the receipt: (heading, lines) handed over, then taken back (uses prefetched lines)."""
        lines = list(self.lines.all())
        return [
            (label, [line for line in lines if line.direction == value])
            for value, label in [
                (CounterLine.Direction.HANDED_OVER, "Handed over"),
                (CounterLine.Direction.TAKEN_BACK, "Taken back"),
            ]
        ]


class CounterLine(models.Model):
    """One device on a counter receipt, handed over or taken back."""

    class Direction(models.TextChoices):
        TAKEN_BACK = "taken_back", "Taken back"
        HANDED_OVER = "handed_over", "Handed over"

    visit = models.ForeignKey(CounterVisit, on_delete=models.PROTECT, related_name="lines")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="counter_lines")
    event = models.OneToOneField(DeviceEvent, on_delete=models.PROTECT, related_name="counter_line")
    reason = models.CharField(max_length=20, choices=Assignment.ReturnReason.choices, blank=True)
    condition = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["visit", "direction", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "device"],
                name="devices_counter_line_once",
                violation_error_message="A device is on a receipt once.",
            ),
            models.CheckConstraint(
                condition=Q(direction="handed_over", reason="") | Q(direction="taken_back") & ~Q(reason=""),
                name="devices_counter_line_reason",
                violation_error_message="A device taken back needs a reason; one handed over has none.",
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.device_id}"


# --- Triage -----------------------------------------------------------------------------------------
class TriageDevice(Device):
    """The triage queue in the admin: returned devices waiting for an outcome, and devices in
    repair waiting to come back. A proxy, so the queue has its own admin permissions."""

    class Meta:
        proxy = True
        verbose_name = "device to triage"
        verbose_name_plural = "Triage: returned devices"


class DeviceTriage(models.Model):
    """What was decided for a returned device, or that it came back from repair: written only by
    `devices.triage`, beside the custody event it explains."""

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


# Stock levels, transfers and stocktakes, and leaver cases, live in their own modules (this one
# is long enough).
from devices.leaver_models import (  # noqa: E402, F401
    CommandUnitLead,
    LeaverCase,
    LeaverEvent,
    LeaverLine,
    LeaverPropertyKind,
    LeaverStep,
)
from devices.stock_models import (  # noqa: E402, F401
    StockLevel,
    Stocktake,
    StocktakeMissing,
    StocktakeScan,
    StockTransfer,
)
