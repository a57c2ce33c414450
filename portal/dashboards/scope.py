"""Who is looking and at what: the filter bar (date range, command unit) and the viewer's slice."""

import datetime
import hashlib
from dataclasses import dataclass

import django_filters
from django import forms
from django.utils import timezone

from portal import permissions
from portal.fields import LocalDateFilter
from portal.models import User

DEFAULT_DAYS = 365
LONGEST_RANGE_DAYS = 5 * 366


def command_unit_choices() -> list[tuple[str, str]]:
    # order_by: the model's default ordering would put names in the SELECT DISTINCT (one row per person).
    units = (
        User.objects.exclude(command_unit="").order_by("command_unit").values_list("command_unit", flat=True).distinct()
    )
    return [(unit, unit) for unit in sorted(units)]


class DashboardFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        elif start and end and (end - start).days > LONGEST_RANGE_DAYS:
            self.add_error("date_from", "Choose a range of five years or less.")
        return data


class DashboardFilterSet(django_filters.FilterSet):
    """The filter bar: its form checks the values; the panels apply them (see Scope)."""

    date_from = LocalDateFilter(
        label="From",
        method="keep",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
    )
    date_to = LocalDateFilter(
        label="To",
        method="keep",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
    )
    unit = django_filters.ChoiceFilter(
        label="Command unit", choices=command_unit_choices, empty_label="Any", method="keep"
    )

    class Meta:
        model = User
        fields = ["date_from", "date_to", "unit"]
        form = DashboardFilterForm

    def keep(self, queryset, name, value):
        return queryset


@dataclass(frozen=True)
class Scope:
    """The filters as applied: local dates [start, end] inclusive, a command unit (or all), and a
    supervisor whose team is the slice (None: everyone, for the Data Office and Portal admins)."""

    start: datetime.date
    end: datetime.date
    unit: str
    supervisor: User | None

    @property
    def start_at(self) -> datetime.datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The instant after the last day: ranges are [start_at, end_at)."""
        return _local_midnight(self.end + datetime.timedelta(days=1))

    @property
    def everyone(self) -> bool:
        return self.supervisor is None

    def people(self) -> dict:
        """The keyword arguments every app's dashboard selector takes for the slice."""
        return {"unit": self.unit, "supervisor": self.supervisor}

    def cache_key(self, section: str) -> str:
        who = "all" if self.supervisor is None else f"team-{self.supervisor.pk}"
        # A unit's name may hold spaces or anything else: hashed, the key suits every cache backend.
        unit = hashlib.sha256(self.unit.encode()).hexdigest()[:16] if self.unit else "any"
        return f"dashboard:{section}:{who}:{self.start:%Y%m%d}:{self.end:%Y%m%d}:{unit}"


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=DEFAULT_DAYS - 1), today


def scope_for(*, user: User, filterset: DashboardFilterSet, today: datetime.date) -> Scope:
    """The scope of a valid filterset for this viewer (blank dates take the last 12 months)."""
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    start, end = data.get("date_from"), data.get("date_to")
    # A missing end is today (or the start, if that is later); a missing start, a year before the end.
    end = end or max(today, start or today)
    start = start or default_range(end)[0]
    return Scope(
        start=start,
        end=end,
        unit=data.get("unit") or "",
        supervisor=None if permissions.is_data_office(user) else user,
    )
