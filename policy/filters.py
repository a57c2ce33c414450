"""Filters for the compliance table (django-filter)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from policy.models import ComplianceStatus
from portal.models import Role, User


class PersonComplianceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Name or payroll number")
    command_unit = django_filters.ChoiceFilter(label="Command unit", empty_label="Any command unit")
    team = django_filters.CharFilter(lookup_expr="iexact", label="Team")
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role", label="Role", empty_label="Any role")
    status = django_filters.ChoiceFilter(
        choices=ComplianceStatus.choices, field_name="status", label="Status", empty_label="Any status"
    )

    class Meta:
        model = User
        fields = ["q", "command_unit", "team", "role", "status"]

    def __init__(self, *args, command_units=None, **kwargs):
        """`command_units`: the units to offer, if the caller has them (the view keeps the force's
        for a while); otherwise those of the people listed, read now."""
        super().__init__(*args, **kwargs)
        # The command units this viewer can see: a supervisor's list is their team's, not the force's.
        if command_units is None:
            command_units = unit_choices(self.queryset)
        self.filters["command_unit"].extra["choices"] = command_units
        self.form.fields["team"].widget.attrs.update({"class": "govuk-input--width-20", "autocomplete": "off"})

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        every_word = Q()
        for word in value.split():
            every_word &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(Q(payroll_number__iexact=value) | every_word)

    def filter_role(self, queryset, name, value):
        return queryset.filter(Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name=value)))


def unit_choices(people) -> list[tuple[str, str]]:
    """The command units of `people`, as the filter's choices (a DISTINCT over every row listed)."""
    units = people.order_by("command_unit").values_list("command_unit", flat=True).distinct()
    return [(unit, unit) for unit in units if unit]
