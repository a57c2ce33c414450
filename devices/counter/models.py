"""The Tech Bar counter: one visit per person served, one line per device on its receipt."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from devices.core.models.catalogue import TechBar
from devices.core.models.device import Assignment, Device, DeviceEvent
from portal.audit_chain import ChainedRecord


class CounterVisit(ChainedRecord):
    """One person at one Tech Bar counter: what they handed back and took away, confirmed once,
    printed as a receipt. Written only by `devices.counter.services.counter_visit_confirm`."""

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


class CounterLine(ChainedRecord):
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
