"""Filters for the device list (status, model, kind, Tech Bar, holder's unit, end of life, search) and
the activity report (dates, Tech Bar, staff member, person, kind, model, event)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from devices.accessories.models import AccessoryMovement
from devices.core.models import Device, DeviceEvent, DeviceModel, TechBar
from devices.core.selectors import devices_unjoined, holder_command_units
from portal.fields import LocalDateFilter
from portal.tables import cached_choices

# A search longer than this is not an asset tag, IMEI, serial, number or name.
MAX_SEARCH = 100


# Read at most once a minute: a DISTINCT over every row grows with the estate, the units hardly change.
_unit_choices = cached_choices("devices:holder-units", lambda: [(unit, unit) for unit in holder_command_units()])


class DeviceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Asset tag, IMEI, serial, phone number or holder",
        method="filter_search",
        max_length=MAX_SEARCH,
        help_text="A holder by name or payroll number.",
    )
    # Every filter is labelled here, not left to django-filter: it derives a label from the model only on a
    # FilterSet's own copy, and drf-spectacular builds the API schema's fields from the class's base filters,
    # which caches an unlabelled field there: after the schema was read, the page said "Kind" in that process.
    # (tests/api/test_schema.py checks every project FilterSet.)
    status = django_filters.ChoiceFilter(label="Status", choices=Device.Status.choices, empty_label="Any")
    model = django_filters.ModelChoiceFilter(label="Model", queryset=DeviceModel.objects.all(), empty_label="Any")
    kind = django_filters.ChoiceFilter(
        label="Model kind", field_name="model__kind", choices=DeviceModel.Kind.choices, empty_label="Any"
    )
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

    def unjoined(self) -> QuerySet[Device] | None:
        """The devices these filters match without device_list()'s holder join (one open assignment
        per device: the join adds no rows), for a cheap count; the form is not cleaned again. None
        when a filter reads the holder (search, unit) or the input is refused (the form says why)."""
        if not self.is_bound:
            return devices_unjoined()
        if not self.is_valid() or any(self.form.cleaned_data.get(f) for f in ("q", "unit")):
            return None
        return self.filter_queryset(devices_unjoined())

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


def _person_match(prefix: str, text: str) -> Q:
    """A person named by payroll number, or by every word in their first or last name."""
    text = " ".join(text.split())
    match = Q(**{f"{prefix}__payroll_number__iexact": text})
    by_name = Q()
    for word in text.split():
        by_name &= Q(**{f"{prefix}__first_name__icontains": word}) | Q(**{f"{prefix}__last_name__icontains": word})
    return match | by_name


def _local_midnight(day) -> datetime:
    # UK clocks change at 01:00 and 02:00, so a local midnight is never missing or repeated.
    return timezone.make_aware(datetime.combine(day, time()))


class ActivityFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data


class AccessoryActivityFilterSet(django_filters.FilterSet):
    """The custody activity's filters, read for its accessories table: the same names, so one form
    filters both. A filter on a device's kind or model, or an event no accessory has, lists none."""

    # Its form is never shown: labelled as ActivityFilterSet's, whose form the page shows.
    date_from = LocalDateFilter(label="From", method="filter_from")
    date_to = LocalDateFilter(label="To", method="filter_to")
    event = django_filters.ChoiceFilter(label="Event", method="filter_event", choices=DeviceEvent.Kind.choices)
    tech_bar = django_filters.ModelChoiceFilter(label="Tech Bar", queryset=TechBar.objects.all())
    actor = django_filters.CharFilter(label="Staff member", method="filter_person", max_length=MAX_SEARCH)
    holder = django_filters.CharFilter(
        label="Person", field_name="person", method="filter_person", max_length=MAX_SEARCH
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of device", method="filter_nothing", choices=DeviceModel.Kind.choices
    )
    model = django_filters.ModelChoiceFilter(label="Model", method="filter_nothing", queryset=DeviceModel.objects.all())

    class Meta:
        model = AccessoryMovement
        fields = ["date_from", "date_to", "event", "tech_bar", "actor", "holder", "kind", "model"]
        form = ActivityFilterForm

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_event(self, queryset, name, value):
        return queryset.filter(kind=value) if value in ("issued", "returned") else queryset.none()

    def filter_person(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(_person_match(name, value))

    def filter_nothing(self, queryset, name, value):
        return queryset.none()


class ActivityFilterSet(django_filters.FilterSet):
    """Dates are Europe/London days, both ends included."""

    date_from = LocalDateFilter(
        label="From", method="filter_from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = LocalDateFilter(
        label="To", method="filter_to", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    event = django_filters.ChoiceFilter(
        label="Event", field_name="kind", choices=DeviceEvent.Kind.choices, empty_label="Any"
    )
    tech_bar = django_filters.ModelChoiceFilter(label="Tech Bar", queryset=TechBar.objects.all(), empty_label="Any")
    actor = django_filters.CharFilter(
        label="Staff member",
        method="filter_person",
        max_length=MAX_SEARCH,
        help_text="Who recorded the event: name or payroll number.",
    )
    holder = django_filters.CharFilter(
        label="Person", method="filter_person", max_length=MAX_SEARCH, help_text="Whose kit: name or payroll number."
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of device", field_name="device__model__kind", choices=DeviceModel.Kind.choices, empty_label="Any"
    )
    model = django_filters.ModelChoiceFilter(
        label="Model", field_name="device__model", queryset=DeviceModel.objects.all(), empty_label="Any"
    )

    class Meta:
        model = DeviceEvent
        fields = ["date_from", "date_to", "event", "tech_bar", "actor", "holder", "kind", "model"]
        form = ActivityFilterForm

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_person(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(_person_match(name, value))
