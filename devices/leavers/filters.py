"""Filters for the list of open leaver cases: leaving soon, overdue, command unit, name or number."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from devices.leavers.models import LeaverCase
from devices.leavers.selectors.pages import leaver_command_units
from portal.tables import cached_choices

MAX_SEARCH = 100
SOON_DAYS = 14


# Read at most once a minute: a DISTINCT over every row grows with the estate, the units hardly change.
_unit_choices = cached_choices("devices:leaver-units", lambda: [(unit, unit) for unit in leaver_command_units()])


class LeaverCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or payroll number", method="filter_search", max_length=MAX_SEARCH)
    leaving_soon = django_filters.BooleanFilter(
        label=f"Leaving within {SOON_DAYS} days",
        method="filter_leaving_soon",
        widget=django_filters.widgets.BooleanWidget(),
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue (leaving date passed, items still out)",
        method="filter_overdue",
        widget=django_filters.widgets.BooleanWidget(),
    )
    unit = django_filters.ChoiceFilter(
        label="Command unit", field_name="person__command_unit", choices=_unit_choices, empty_label="Any"
    )

    class Meta:
        model = LeaverCase
        fields = ["q", "leaving_soon", "overdue", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once a page: a callable is read again each time the choices are gone through
        # (checking the value, then drawing the form), each time a cache read.
        self.filters["unit"].extra["choices"] = _unit_choices()

    def filter_search(self, queryset, name, value):
        text = " ".join(value.split())
        if not text:
            return queryset
        by_name = Q()
        for word in text.split():
            by_name &= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
        return queryset.filter(Q(person__payroll_number__iexact=text) | by_name)

    def filter_leaving_soon(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        soon = Q(leaving_date__gte=today, leaving_date__lte=today + timedelta(days=SOON_DAYS))
        return queryset.filter(soon) if value else queryset.exclude(soon)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue=value)
