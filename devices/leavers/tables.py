"""The list of open leaver cases and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils import timezone

from devices.leavers.models import LeaverCase
from portal.formats import cached_date_format
from portal.table_rows import url_by_id
from portal.tables import BaseTable


class LeaverCaseTable(BaseTable):
    person = tables.Column(
        verbose_name="Leaver",
        linkify=url_by_id("devices:leaver_case"),
        attrs={"a": {"class": "govuk-link"}},
        order_by=("person__last_name", "person__first_name"),
    )
    payroll = tables.Column(accessor="person__payroll_number", verbose_name="Payroll number")
    command_unit = tables.Column(accessor="person__command_unit", verbose_name="Command unit", default="—")
    leaving_date = tables.Column(verbose_name="Leaving date")
    outstanding_count = tables.Column(verbose_name="Items outstanding")
    overdue = tables.Column(verbose_name="Overdue", orderable=False)
    source = tables.Column(verbose_name="Opened by")
    opened_at = tables.Column(verbose_name="Opened on")

    class Meta(BaseTable.Meta):
        model = LeaverCase
        fields = ()
        sequence = (
            "person", "payroll", "command_unit", "leaving_date", "outstanding_count", "overdue", "source", "opened_at",
        )  # fmt: skip
        empty_text = "No open leaver case matches these filters."

    def render_person(self, record):
        return record.person.get_full_name()

    def value_person(self, record):
        return record.person.get_full_name()

    def render_leaving_date(self, value):
        return cached_date_format(value, "j M Y")

    def value_leaving_date(self, value):
        return value.isoformat()

    def render_overdue(self, record):
        days = (timezone.localdate() - record.leaving_date).days
        return f"{days} {'day' if days == 1 else 'days'} overdue" if record.overdue and days > 0 else "No"

    def value_overdue(self, record):
        return "yes" if record.overdue else "no"

    def render_source(self, record):
        return record.get_source_display()

    def value_source(self, record):
        return record.get_source_display()

    def render_opened_at(self, value):
        return cached_date_format(timezone.localtime(value), "j M Y")

    def value_opened_at(self, value):
        return value  # an instant: the export writes it in local time
