"""Filters for the disclosure log: reference, the date it was produced, who produced it."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from devices.figures.models import FigureDisclosure
from portal.fields import LocalDateFilter

MAX_SEARCH = 100


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


class FigureDisclosureFilterSet(django_filters.FilterSet):
    reference = django_filters.CharFilter(label="FOI reference", lookup_expr="icontains", max_length=50)
    produced_from = LocalDateFilter(
        label="Produced from", method="filter_from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    produced_to = LocalDateFilter(
        label="Produced to", method="filter_to", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    person = django_filters.CharFilter(
        label="Produced by (name or payroll number)", method="filter_person", max_length=MAX_SEARCH
    )

    class Meta:
        model = FigureDisclosure
        fields = ["reference", "produced_from", "produced_to", "person"]

    def filter_from(self, queryset, name, value):
        return queryset.filter(produced_at__gte=_local_midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(produced_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_person(self, queryset, name, value):
        text = " ".join(value.split())
        if not text:
            return queryset
        by_name = Q()
        for word in text.split():
            by_name &= Q(produced_by__first_name__icontains=word) | Q(produced_by__last_name__icontains=word)
        return queryset.filter(Q(produced_by__payroll_number__iexact=text) | by_name)
