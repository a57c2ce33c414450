"""A Tech Bar's loan pool, the loans made from it, and each loan's ladder steps.

Re-exported by `devices.models`; written only by `devices.loans.services`. A loan is an ordinary
assignment (the device is issued and held) with a due-back date; it ends when the device comes back.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from portal.formats import local_date, local_datetime
from portal.timers import TimerStep

# A device "in repair": brought back (awaiting triage) or sent for repair, with nobody and on no shelf.
# A loan standing in for one is left out of FAQ 7 only while it is so: once that device is back in
# stock, or back in anyone's hands, the loan counts as a device of its kind like any other.
IN_REPAIR_STATUSES = ("returned", "in_repair")


class LoanPoolDevice(models.Model):
    """A device a Tech Bar keeps for lending: handed over at its counter only as a loan."""

    device = models.OneToOneField("devices.Device", on_delete=models.PROTECT, related_name="loan_pool")
    tech_bar = models.ForeignKey(
        "devices.TechBar", on_delete=models.PROTECT, related_name="loan_pool", help_text="Whose pool it is in."
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tech_bar", "device__asset_tag"]
        verbose_name = "loan pool device"

    def __str__(self):
        return f"{self.device.asset_tag} in the loan pool of {self.tech_bar}"


class Loan(models.Model):
    """A pool device lent to a person until a due-back date: its assignment, and when it came back."""

    assignment = models.OneToOneField("devices.Assignment", on_delete=models.PROTECT, related_name="loan")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="loans")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loans")
    tech_bar = models.ForeignKey("devices.TechBar", on_delete=models.PROTECT, related_name="loans")
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lent_at = models.DateTimeField(default=timezone.now)
    due_back = models.DateField(db_index=True)
    visit = models.ForeignKey(
        "devices.CounterVisit", null=True, blank=True, on_delete=models.PROTECT, related_name="loans"
    )
    # The holder's own device of the same kind, in repair while they borrow this one: the loan then
    # does not count against the one-device-of-a-kind rule (FAQ question 7).
    stands_in_for = models.ForeignKey(
        "devices.Device",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The holder's own device in repair that this loan stands in for.",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_back", "pk"]
        indexes = [
            models.Index(fields=["due_back"], condition=Q(ended_at__isnull=True), name="devices_loan_open_due"),
            models.Index(fields=["holder", "ended_at"], name="devices_loan_holder_open"),
        ]

    def __str__(self):
        return f"{self.device.asset_tag} lent to {self.holder_id} until {local_date(self.due_back)}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def days_overdue(self) -> int:
        """Calendar days past the due-back date, today (0 when not overdue)."""
        return max((timezone.localdate() - self.due_back).days, 0)

    @property
    def stands_in(self) -> bool:
        """Left out of FAQ 7: it stands in for the holder's own device, still in repair."""
        return self.stands_in_for_id is not None and self.stands_in_for.status in IN_REPAIR_STATUSES

    @property
    def stood_in(self) -> bool:
        """It stood in for a device that is out of repair now: it counts under FAQ 7 again."""
        return self.stands_in_for_id is not None and not self.stands_in

    @property
    def words(self) -> str:
        """ "on loan, due back 30 March 2026" (and why it is not counted, when it stands in)."""
        text = f"on loan, due back {date_format(self.due_back, 'l j F Y')}"
        if self.stands_in:
            text += f", standing in for {self.stands_in_for.asset_tag} in repair (not counted as a second device)"
        return text


class LoanStep(TimerStep):
    """One rung of a loan's ladder (see devices.loans.ladder), fired once by the sweep."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="steps")
    emails = GenericRelation(
        "portal.OutboundEmail", content_type_field="cause_type", object_id_field="cause_id", related_query_name="+"
    )

    class Meta(TimerStep.Meta):
        verbose_name = "loan step"
        constraints = [
            *TimerStep.Meta.constraints,
            models.UniqueConstraint(
                fields=["loan", "step"],
                name="devices_loan_step_once",
                violation_error_message="Each step of the ladder exists once per loan.",
            ),
        ]

    def __str__(self):
        return f"{self.step} due {local_datetime(self.due_at)}"
