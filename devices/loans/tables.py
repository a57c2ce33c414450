"""The overdue loans list and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils.formats import date_format

from devices.loans.models import Loan
from portal.tables import BaseTable


class OverdueLoanTable(BaseTable):
    caption = "Overdue loans"

    asset_tag = tables.Column(verbose_name="Asset tag", accessor="device__asset_tag")
    device = tables.Column(verbose_name="Device", accessor="device__model", orderable=False)
    holder = tables.Column(verbose_name="Borrower", accessor="holder__last_name", order_by=("holder__last_name",))
    payroll_number = tables.Column(verbose_name="Payroll number", accessor="holder__payroll_number")
    command_unit = tables.Column(verbose_name="Command unit", accessor="holder__command_unit", default="—")
    supervisor = tables.Column(verbose_name="Supervisor", accessor="holder__supervisor", orderable=False, default="—")
    tech_bar = tables.Column(verbose_name="Lent by", accessor="tech_bar__name")
    due_back = tables.Column(verbose_name="Due back")
    days_overdue = tables.Column(
        verbose_name="Days overdue", accessor="due_back", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )

    class Meta(BaseTable.Meta):
        model = Loan
        fields = ()
        sequence = (
            "asset_tag",
            "device",
            "holder",
            "payroll_number",
            "command_unit",
            "supervisor",
            "tech_bar",
            "due_back",
            "days_overdue",
        )
        order_by = ("due_back",)
        empty_text = "No loan matching these filters is overdue."

    def render_holder(self, record):
        return record.holder.get_full_name()

    def value_holder(self, record):
        return record.holder.get_full_name()

    def render_supervisor(self, record):
        return record.holder.supervisor.get_full_name() if record.holder.supervisor else "—"

    def value_supervisor(self, record):
        return record.holder.supervisor.get_full_name() if record.holder.supervisor else ""

    def render_due_back(self, value):
        return date_format(value, "j M Y")

    def value_due_back(self, value):
        return value

    def render_days_overdue(self, record):
        return record.days_overdue

    def value_days_overdue(self, record):
        return record.days_overdue
