"""Accessories and consumables: chargers, car kits, headsets, cases, docking stations and the
assistive peripherals of workplace adjustments. Counted, not serialised: stock per Tech Bar, what
each person holds of the returnable kinds, and the movements between them.

Re-exported by `devices.models`; written only by `devices.accessories.services`. Quantities are
never negative: CHECK constraints refuse it whatever two counters do at once, and the services
move them with conditional F() updates. `AccessoryMovement` is the history (append-only): every
issue, return, transfer and stocktake adjustment, dated, so figures for a past date come from it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.formats import local_datetime


class AccessoryKind(models.Model):
    """One kind of accessory, with the code printed on its shelf label (what the counter scans)."""

    class Category(models.TextChoices):
        CHARGER = "charger", "Charger"
        CAR_KIT = "car_kit", "Car kit"
        HEADSET = "headset", "Headset"
        CASE = "case", "Case"
        DOCKING_STATION = "docking_station", "Docking station"
        KEYBOARD = "keyboard", "Keyboard"
        MOUSE = "mouse", "Mouse"
        OTHER = "other", "Other"

    class Usage(models.TextChoices):
        RETURNABLE = "returnable", "Returnable (handed back when no longer needed)"
        CONSUMABLE = "consumable", "Consumable (kept or used up)"

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        max_length=40,
        unique=True,
        help_text="The barcode on its shelf label, for example ACC-CHARGER: the counter's scan field accepts it.",
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    usage = models.CharField(max_length=20, choices=Usage.choices, default=Usage.RETURNABLE)
    assistive = models.BooleanField(
        default=False, help_text="Provided as a workplace adjustment (an assistive keyboard, mouse or headset)."
    )
    is_active = models.BooleanField(default=True, help_text="Untick to stop issuing it.")

    class Meta:
        ordering = ["name"]
        verbose_name = "accessory kind"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    @property
    def is_returnable(self) -> bool:
        return self.usage == self.Usage.RETURNABLE


class AccessoryStock(models.Model):
    """How many of one kind a Tech Bar has on its shelves, and its low-stock level. `alerted_at`
    is set when the staff were told stock fell below `minimum` and cleared once it is back at or
    above it: one alert per crossing, as for devices."""

    tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.PROTECT, related_name="accessory_stock")
    kind = models.ForeignKey(AccessoryKind, on_delete=models.PROTECT, related_name="stock")
    quantity = models.IntegerField(default=0, editable=False)
    minimum = models.PositiveIntegerField(default=0, help_text="Tell the Tech Bar's staff when stock falls below this.")
    alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["tech_bar", "kind"]
        verbose_name = "accessory stock"
        verbose_name_plural = "accessory stock"
        constraints = [
            models.UniqueConstraint(
                fields=["tech_bar", "kind"],
                name="devices_accessory_stock_unique",
                violation_error_message="This Tech Bar already has a stock row for this kind.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="devices_accessory_stock_not_negative",
                violation_error_message="Stock of an accessory is never below zero.",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.kind} at {self.tech_bar}"

    @property
    def is_low(self) -> bool:
        return self.quantity < self.minimum


class AccessoryHolding(models.Model):
    """How many of a returnable kind one person holds now (consumables are not held: they are theirs)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accessory_holdings")
    kind = models.ForeignKey(AccessoryKind, on_delete=models.PROTECT, related_name="holdings")
    quantity = models.IntegerField(default=0)

    class Meta:
        ordering = ["person", "kind"]
        verbose_name = "accessory held"
        verbose_name_plural = "accessories held"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                name="devices_accessory_holding_unique",
                violation_error_message="This person already has a holding of this kind.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="devices_accessory_holding_not_negative",
                violation_error_message="Nobody holds fewer than none.",
            ),
        ]

    def __str__(self):
        return f"{self.person} holds {self.quantity} {self.kind}"


class AccessoryMovement(models.Model):
    """One dated movement of accessories (append-only: never changed or deleted). `stock_change`
    is what it did to the Tech Bar's stock (issued -n, returned +n, sent -n, received +n, a
    stocktake's difference), so stock on any past date is the sum of the movements until then."""

    class Kind(models.TextChoices):
        ISSUED = "issued", "Issued"
        RETURNED = "returned", "Returned"
        TRANSFER_SENT = "transfer_sent", "Sent to another Tech Bar"
        TRANSFER_RECEIVED = "transfer_received", "Received from another Tech Bar"
        DELIVERED = "delivered", "Delivered to the Tech Bar"
        STOCKTAKE = "stocktake", "Stocktake adjustment"
        WRITTEN_OFF = "written_off", "Lost or written off by the holder"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    accessory = models.ForeignKey(AccessoryKind, on_delete=models.PROTECT, related_name="movements")
    quantity = models.PositiveIntegerField(help_text="How many moved (a stocktake: the difference, unsigned).")
    stock_change = models.IntegerField()
    tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.PROTECT, related_name="accessory_movements")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="accessory_movements"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        "devices.CounterVisit", null=True, blank=True, on_delete=models.PROTECT, related_name="accessory_movements"
    )
    other_tech_bar = models.ForeignKey(
        "devices.TechBar", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stocktake = models.ForeignKey(
        "devices.Stocktake", null=True, blank=True, on_delete=models.PROTECT, related_name="accessory_movements"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "accessory movement"
        indexes = [models.Index(fields=["kind", "created_at"], name="devices_acc_move_kind_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(kind="stocktake"),
                name="devices_accessory_movement_quantity",
                violation_error_message="A movement moves at least one.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} {self.accessory_id} {local_datetime(self.created_at)}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Accessory movements are history: they are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Accessory movements are history: they are never deleted.")


class AccessoryCount(models.Model):
    """One kind counted in a stocktake: what the shelves should hold and what was counted."""

    stocktake = models.ForeignKey("devices.Stocktake", on_delete=models.CASCADE, related_name="accessory_counts")
    kind = models.ForeignKey(AccessoryKind, on_delete=models.PROTECT, related_name="+")
    expected = models.IntegerField()
    counted = models.PositiveIntegerField()
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stocktake", "kind"]
        verbose_name = "accessory count"
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "kind"],
                name="devices_accessory_count_once",
                violation_error_message="This kind is already counted in this stocktake.",
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.counted} counted, {self.expected} expected"

    @property
    def difference(self) -> int:
        return self.counted - self.expected
