"""The kit gaps list (who lacks part of their standard kit, since when) and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils import timezone

from devices.requests.selectors.kit import gaps_of
from portal.formats import cached_date_format
from portal.models import User
from portal.tables import BaseTable


class KitGapTable(BaseTable):
    caption = "People missing standard kit"

    name = tables.Column(verbose_name="Name", accessor="last_name", order_by=("last_name", "first_name"))
    payroll_number = tables.Column(verbose_name="Payroll number")
    command_unit = tables.Column(verbose_name="Command unit", default="—")
    team = tables.Column(verbose_name="Team", default="—")
    missing = tables.Column(verbose_name="Missing", accessor="pk", orderable=False)
    gap_since = tables.Column(verbose_name="Missing since", accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = User
        fields = ()
        sequence = ("name", "payroll_number", "command_unit", "team", "missing", "gap_since")
        empty_text = "Nobody matching these filters lacks standard kit."

    def render_name(self, record):
        return record.get_full_name()

    def value_name(self, record):
        return record.get_full_name()

    def render_missing(self, record):
        return ", ".join(_count(gap) for gap in gaps_of(record))

    def value_missing(self, record):
        return "; ".join(_count(gap) for gap in gaps_of(record))

    def render_gap_since(self, record):
        since = _earliest(record)
        return cached_date_format(timezone.localtime(since), "j M Y") if since else "—"

    def value_gap_since(self, record):
        return _earliest(record)  # an instant: the export writes it in local time


def _count(gap) -> str:
    return gap.label if gap.missing == 1 else f"{gap.missing} × {gap.label.lower()}"


def _earliest(record):
    return min((gap.since for gap in gaps_of(record) if gap.since), default=None)
