"""Filters for the Data Office's incident queue."""

import django_filters

from incidents.models import Incident, YesNoUnknown
from incidents.selectors import Timeliness, command_units


def _unit_choices():
    return [(unit, unit) for unit in command_units()]


class IncidentFilterSet(django_filters.FilterSet):
    timeliness = django_filters.ChoiceFilter(label="Deadline", choices=Timeliness.choices, empty_label="Any")
    status = django_filters.ChoiceFilter(choices=Incident.Status.choices, empty_label="Any")
    severity = django_filters.ChoiceFilter(choices=Incident.Severity.choices, empty_label="Any")
    unit = django_filters.ChoiceFilter(
        label="Reporter's command unit", field_name="reporter__command_unit", choices=_unit_choices, empty_label="Any"
    )
    personal_data_involved = django_filters.ChoiceFilter(
        label="Personal data involved", choices=YesNoUnknown.choices, empty_label="Any"
    )

    class Meta:
        model = Incident
        fields = ["timeliness", "status", "severity", "unit", "personal_data_involved"]
