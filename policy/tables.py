"""The compliance table: one row per person, with where they stand (exported as CSV and XLSX)."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from policy.models import ComplianceStatus
from portal.formats import local_datetime
from portal.tables import BaseTable

_STATUS_TAGS = {
    ComplianceStatus.ACCEPTED_CURRENT: "govuk-tag--green",
    ComplianceStatus.ACCEPTED_OLDER: "govuk-tag--yellow",
    ComplianceStatus.NEVER: "govuk-tag--red",
}


_UP_TO_DATE = mark_safe('<span class="true">Yes</span>')  # nosec B308 B703 # constant markup
_NOT_UP_TO_DATE = mark_safe('<span class="false">No</span>')  # nosec B308 B703 # constant markup


class PersonComplianceTable(BaseTable):
    """Fed by selectors.policy_compliance(): status and last acceptance are annotated in SQL and
    the supervisor is select_related, so a page costs the same at 50 people or 50,000."""

    name = tables.Column(
        accessor="get_full_name", verbose_name="Name", order_by=("last_name", "first_name", "payroll_number")
    )
    payroll_number = tables.Column(verbose_name="Payroll number")
    rank_or_grade = tables.Column(verbose_name="Rank or grade")
    command_unit = tables.Column(verbose_name="Command unit")
    team = tables.Column(verbose_name="Team")
    supervisor = tables.Column(
        accessor="supervisor", verbose_name="Supervisor", order_by=("supervisor__last_name", "supervisor__first_name")
    )
    status = tables.Column(verbose_name="Status")
    up_to_date = tables.BooleanColumn(verbose_name="Up to date", yesno="Yes,No")
    last_accepted_number = tables.Column(verbose_name="Version accepted")
    last_accepted_at = tables.Column(verbose_name="Accepted at")

    caption = "People and where they stand"

    class Meta(BaseTable.Meta):
        empty_text = "Nobody matches these filters."

    def render_supervisor(self, value):
        return value.get_full_name()

    def render_status(self, value):
        status = ComplianceStatus(value)
        return format_html('<strong class="govuk-tag {}">{}</strong>', _STATUS_TAGS[status], status.label)

    def value_status(self, value):
        return ComplianceStatus(value).label

    def render_up_to_date(self, value):
        # BooleanColumn.render's markup, without its look-up of a model field per cell (this is an
        # annotation: there is none), which cost a third of the row's rendering.
        return _UP_TO_DATE if value else _NOT_UP_TO_DATE

    def value_up_to_date(self, value):
        return "Yes" if value else "No"

    def render_last_accepted_number(self, value):
        return f"Version {value}"

    def value_last_accepted_number(self, value):
        return value

    def render_last_accepted_at(self, value):
        return format_html('<span class="kitbag-nowrap">{}</span>', local_datetime(value))

    def value_last_accepted_at(self, value):
        return timezone.localtime(value).isoformat(timespec="seconds") if value else ""
