"""Filters for the kit gaps list: command unit, team, kind of device missing, missing since. The
selector (devices.requests.selectors.kit.kit_gaps) applies them, since what a person lacks depends on
the kind asked about."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from devices.core.models import DeviceModel
from devices.requests.selectors.kit import kit_gaps
from portal.fields import LocalDateFilter
from portal.models import User


class KitGapFilterSet(django_filters.FilterSet):
    command_unit = django_filters.ChoiceFilter(label="Command unit", empty_label="Any", method="keep")
    team = django_filters.ChoiceFilter(label="Team", empty_label="Any", method="keep")
    kind = django_filters.ChoiceFilter(
        label="Missing", choices=DeviceModel.Kind.choices, empty_label="Any kind", method="keep"
    )
    since = LocalDateFilter(
        label="Missing since on or before",
        method="keep",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date as a real date, for example 31/03/2026"},
    )

    class Meta:
        model = User
        fields = ["command_unit", "team", "kind", "since"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        people = self.queryset  # the people the user may see (the selector narrows a supervisor's)
        for name in ("command_unit", "team"):
            values = people.exclude(**{name: ""}).order_by(name).values_list(name, flat=True).distinct()
            self.filters[name].extra["choices"] = [(v, v) for v in values]

    def keep(self, queryset, name, value):
        return queryset  # applied by the selector in filter_queryset

    @property
    def qs(self):
        # Unlike a plain FilterSet, the list is the selector's even with no filter chosen.
        if not hasattr(self, "_qs"):
            self._qs = self.filter_queryset(self.queryset)
        return self._qs

    def filter_queryset(self, queryset):
        wanted = {}
        if self.is_bound and self.form.is_valid():
            wanted = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        since = wanted.pop("since", None)
        people = kit_gaps(user=self.user, filters=wanted)
        return people if since is None else _missing_since(people, since)


def _missing_since(people, day):
    """Those with a gap that began on or before `day` (a local date), read from the selector's
    per-kind annotations (entitled_<kind>, held_<kind>, since_<kind>)."""
    before = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
    kinds = [name.removeprefix("entitled_") for name in people.query.annotations if name.startswith("entitled_")]
    if not kinds:
        return people
    early = Q()
    for kind in kinds:
        early |= Q(**{f"entitled_{kind}__gt": F(f"held_{kind}"), f"since_{kind}__lt": before})
    return people.filter(early)
