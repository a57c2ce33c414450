"""Stock at each Tech Bar: low-stock levels, transfers between Tech Bars and stocktakes.

Re-exported by `devices.models`; written only by
`devices.stock.services.stock` and `devices.stock.services.stocktake`.

Where a device is while it travels between Tech Bars: its status stays "in stock", its Tech Bar
is empty and it has exactly one open `StockTransfer` (the transfer is its place) until the
destination receives it, which sets the Tech Bar to the destination. So it counts in no Tech Bar's
stock, no stocktake expects it, and no counter can issue it on the way.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class StockLevel(models.Model):
    """The low-stock level of one model at one Tech Bar. `alerted_at` is set when the staff were
    told stock fell below `minimum`, and cleared once it is back at or above it: one alert per
    crossing."""

    tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.CASCADE, related_name="stock_levels")
    device_model = models.ForeignKey("devices.DeviceModel", on_delete=models.CASCADE, related_name="stock_levels")
    minimum = models.PositiveIntegerField(help_text="Tell the Tech Bar's staff when stock falls below this.")
    alerted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the staff were told stock fell below the minimum."
    )

    class Meta:
        ordering = ["tech_bar", "device_model"]
        verbose_name = "low-stock level"
        constraints = [
            models.UniqueConstraint(
                fields=["tech_bar", "device_model"],
                name="devices_stock_level_unique",
                violation_error_message="This Tech Bar already has a level for this model.",
            )
        ]

    def __str__(self):
        return f"{self.device_model} at {self.tech_bar}: at least {self.minimum}"


class StockTransfer(models.Model):
    """One device sent from one Tech Bar to another; open (in transit) until received."""

    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="transfers")
    from_tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.PROTECT, related_name="transfers_out")
    to_tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.PROTECT, related_name="transfers_in")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "stock transfer"
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(received_at__isnull=True),
                name="devices_one_open_transfer",
                violation_error_message="This device is already on its way to a Tech Bar.",
            ),
            models.CheckConstraint(
                condition=~Q(from_tech_bar=F("to_tech_bar")),
                name="devices_transfer_between_two_bars",
                violation_error_message="A transfer goes to another Tech Bar.",
            ),
        ]

    def __str__(self):
        return f"{self.device} from {self.from_tech_bar} to {self.to_tech_bar}"


class Stocktake(models.Model):
    """A count of what is on one Tech Bar's shelves. At most one open per Tech Bar."""

    tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.PROTECT, related_name="stocktakes")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tech_bar"],
                condition=Q(closed_at__isnull=True),
                name="devices_one_open_stocktake",
                violation_error_message="This Tech Bar already has a stocktake under way.",
            )
        ]

    def __str__(self):
        return f"Stocktake ST-{self.pk:05d} at {self.tech_bar}"

    @property
    def reference(self) -> str:
        return f"ST-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StocktakeScan(models.Model):
    """One code scanned in a stocktake, with what it meant then and who scanned it. A device
    scanned twice keeps one "found" or "unexpected" row; the repeat is kept as a duplicate."""

    class Outcome(models.TextChoices):
        FOUND = "found", "Found"
        UNEXPECTED = "unexpected", "Unexpected"
        UNKNOWN = "unknown", "Unknown code"
        DUPLICATE = "duplicate", "Scanned twice"

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="scans")
    code = models.CharField(max_length=100)
    device = models.ForeignKey("devices.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=300, blank=True, help_text="Where an unexpected device is recorded.")
    scanned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scanned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stocktake", "scanned_at", "pk"]
        verbose_name = "stocktake scan"
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "device"],
                condition=Q(outcome__in=["found", "unexpected"]),
                name="devices_stocktake_device_once",
                violation_error_message="This device is already counted in this stocktake.",
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.get_outcome_display().lower()})"


class StocktakeMissing(models.Model):
    """A device recorded in stock at the Tech Bar when the stocktake closed but not scanned."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="missing")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    marked_lost_at = models.DateTimeField(null=True, blank=True)
    marked_lost_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loss = models.ForeignKey(
        "devices.DeviceLoss", null=True, blank=True, on_delete=models.PROTECT, related_name="stocktake_missing"
    )

    class Meta:
        ordering = ["stocktake", "device__asset_tag"]
        verbose_name = "device missing at a stocktake"
        verbose_name_plural = "devices missing at stocktakes"
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "device"],
                name="devices_stocktake_missing_once",
                violation_error_message="This device is already listed as missing.",
            )
        ]

    def __str__(self):
        return f"{self.device} missing"
