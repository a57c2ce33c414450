"""Tech Bars, their opening hours and the catalogue of device models."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

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
