"""The disclosure log's list and its CSV/XLSX export."""

import django_tables2 as tables
from django.urls import reverse

from devices.figures.models import FigureDisclosure
from portal.tables import BaseTable


class FigureDisclosureTable(BaseTable):
    reference = tables.Column(
        verbose_name="FOI reference",
        linkify=lambda record: reverse("devices:figures_disclosure", args=[record.pk]),
        attrs={"a": {"class": "govuk-link"}},
    )
    as_of = tables.DateTimeColumn(verbose_name="Figures as of")
    command_unit = tables.Column(verbose_name="Command unit", default="All")
    produced_by = tables.Column(verbose_name="Produced by", order_by=("produced_by__last_name",))
    produced_at = tables.DateTimeColumn(verbose_name="Produced at")
    csv_sha256 = tables.Column(verbose_name="SHA-256 of the CSV", orderable=False)

    class Meta(BaseTable.Meta):
        model = FigureDisclosure
        fields = ()
        sequence = ("reference", "as_of", "command_unit", "produced_by", "produced_at", "csv_sha256")
        empty_text = "No answer in the log matches these filters."

    def render_produced_by(self, record):
        return record.produced_by.get_full_name()

    def value_produced_by(self, record):
        return f"{record.produced_by.get_full_name()} ({record.produced_by.payroll_number})"
