"""Filters for the overdue loans list: the Tech Bar that lent, the borrower's command unit, and at
least how many days overdue."""

import datetime

import django_filters
from django.utils import timezone

from devices.core.models import TechBar
from devices.loans.models import Loan
from portal.models import User


class OverdueLoanFilterSet(django_filters.FilterSet):
    tech_bar = django_filters.ModelChoiceFilter(
        label="Tech Bar", queryset=TechBar.objects.order_by("name"), empty_label="Any"
    )
    command_unit = django_filters.ChoiceFilter(
        label="Command unit", field_name="holder__command_unit", empty_label="Any"
    )
    days_overdue = django_filters.NumberFilter(
        label="Overdue by at least (days)",
        method="overdue_by",
        min_value=1,
        max_value=3660,
        error_messages={"invalid": "Enter a whole number of days, for example 3"},
    )

    class Meta:
        model = Loan
        fields = ["tech_bar", "command_unit", "days_overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = (
            User.objects.filter(loans__isnull=False)
            .exclude(command_unit="")
            .order_by("command_unit")
            .values_list("command_unit", flat=True)
            .distinct()
        )
        self.filters["command_unit"].extra["choices"] = [(unit, unit) for unit in units]

    def overdue_by(self, queryset, name, value):
        return queryset.filter(due_back__lte=timezone.localdate() - datetime.timedelta(days=int(value)))
