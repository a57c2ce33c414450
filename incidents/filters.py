"""Filters for the Data Office's incident queue."""

import django_filters

from incidents.models import Incident, YesNoUnknown
from incidents.selectors import Timeliness, command_units
from portal.tables import cached_choices

# Read at most once a minute: a DISTINCT over every row grows with the estate, the units hardly change.
_unit_choices = cached_choices("incidents:reporter-units", lambda: [(unit, unit) for unit in command_units()])


ANY_STATUS = "any"


class IncidentFilterSet(django_filters.FilterSet):
    timeliness = django_filters.ChoiceFilter(label="Deadline", choices=Timeliness.choices, empty_label="Any")
    # Closed incidents are out of the way unless asked for: "Closed", or "Any, including closed".
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[*Incident.Status.choices, (ANY_STATUS, "Any, including closed")],
        empty_label="Any open",
        method="filter_status",
    )
    severity = django_filters.ChoiceFilter(label="Severity", choices=Incident.Severity.choices, empty_label="Any")
    unit = django_filters.ChoiceFilter(
        label="Reporter's command unit", field_name="reporter__command_unit", choices=_unit_choices, empty_label="Any"
    )
    personal_data_involved = django_filters.ChoiceFilter(
        label="Personal data involved", choices=YesNoUnknown.choices, empty_label="Any"
    )

    class Meta:
        model = Incident
        fields = ["timeliness", "status", "severity", "unit", "personal_data_involved"]

    def filter_status(self, queryset, name, value):
        return queryset if value == ANY_STATUS else queryset.filter(status=value)

    @property
    def qs(self):
        # django-filter skips every filter on an unbound form (the page as first opened), so the
        # default "open only" is applied here rather than in filter_status.
        queryset = super().qs
        asked = self.form.cleaned_data.get("status") if self.is_bound and self.form.is_valid() else ""
        return queryset if asked else queryset.exclude(status=Incident.Status.CLOSED)
