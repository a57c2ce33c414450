"""Filters for the device list: status, model, kind, Tech Bar, holder's unit, end of life, search."""

import django_filters
from django import forms
from django.db.models import Q

from devices.core.models import Device, DeviceModel, TechBar
from devices.core.selectors import holder_command_units
from portal.fields import LocalDateFilter

# A search longer than this is not an asset tag, IMEI, serial, number or name.
MAX_SEARCH = 100


def _unit_choices():
    return [(unit, unit) for unit in holder_command_units()]


class DeviceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Asset tag, IMEI, serial, phone number or holder",
        method="filter_search",
        max_length=MAX_SEARCH,
        help_text="A holder by name or payroll number.",
    )
    status = django_filters.ChoiceFilter(choices=Device.Status.choices, empty_label="Any")
    model = django_filters.ModelChoiceFilter(queryset=DeviceModel.objects.all(), empty_label="Any")
    kind = django_filters.ChoiceFilter(field_name="model__kind", choices=DeviceModel.Kind.choices, empty_label="Any")
    tech_bar = django_filters.ModelChoiceFilter(label="Tech Bar", queryset=TechBar.objects.all(), empty_label="Any")
    unit = django_filters.ChoiceFilter(
        label="Holder's command unit", field_name="holder_unit", choices=_unit_choices, empty_label="Any"
    )
    end_of_life_before = LocalDateFilter(
        label="End of life before",
        field_name="end_of_life_date",
        lookup_expr="lt",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Device
        fields = ["q", "status", "model", "kind", "tech_bar", "unit", "end_of_life_before"]

    def filter_search(self, queryset, name, value):
        text = " ".join(value.split())
        if not text:
            return queryset
        squashed = text.replace(" ", "")  # an IMEI may be typed in groups
        match = (
            Q(asset_tag__iexact=text)
            | Q(serial_number__iexact=text)
            | Q(imei=squashed)
            | Q(phone_number__icontains=text)
            | Q(holder_payroll__iexact=text)
        )
        # A holder's name: every word in their first or last name.
        by_name = Q()
        for word in text.split():
            by_name &= Q(holder_first_name__icontains=word) | Q(holder_last_name__icontains=word)
        return queryset.filter(match | by_name)
