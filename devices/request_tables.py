"""The kit gaps list (who lacks part of their standard kit, since when) and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format

from portal.models import User
from portal.tables import BaseTable


class KitGapTable(BaseTable):
    caption = "People missing standard kit"

    name = tables.Column(verbose_name="Name", accessor="last_name", order_by=("last_name", "first_name"))
    payroll_number = tables.Column(verbose_name="Payroll number")
    command_unit = tables.Column(verbose_name="Command unit", default="—")
    team = tables.Column(verbose_name="Team", default="—")
    missing = tables.Column(verbose_name="Missing", orderable=False)
    gap_since = tables.Column(verbose_name="Missing since")

    class Meta(BaseTable.Meta):
        model = User
        fields = ()
        sequence = ("name", "payroll_number", "command_unit", "team", "missing", "gap_since")
        empty_text = "Nobody matching these filters lacks standard kit."

    def render_name(self, record):
        return record.get_full_name()

    def value_name(self, record):
        return record.get_full_name()

    def render_missing(self, value):
        return value

    def render_gap_since(self, value):
        return date_format(timezone.localtime(value), "j M Y") if value else "—"

    def value_gap_since(self, value):
        return value  # an instant: the export writes it in local time
