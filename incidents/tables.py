"""The Data Office's incident queue, and its CSV/XLSX export (which carries the whole report)."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from incidents.models import BreachKind, DataCategory, Incident, PeopleCategory
from incidents.selectors import DeadlineKind, Timeliness
from incidents.templatetags.incidents import timeliness_tag_class
from portal.formats import cached_date_format
from portal.table_rows import url_by_id
from portal.tables import BaseTable
from portal.templatetags.govuk import time_left


def _labels(choices, values) -> str:
    names = dict(choices)
    return "; ".join(str(names.get(v, v)) for v in values or [])


def _local(instant) -> str:
    return cached_date_format(timezone.localtime(instant), "j M Y H:i")


def _export(column: str, verbose_name: str, **kwargs) -> tables.Column:
    return tables.Column(accessor=column, verbose_name=verbose_name, visible=False, orderable=False, **kwargs)


class IncidentTable(BaseTable):
    reference = tables.Column(
        accessor="pk",
        verbose_name="Reference",
        linkify=url_by_id("incidents:incident_review"),
        order_by=("pk",),
        attrs={"a": {"class": "govuk-link"}},
    )
    summary = tables.Column(verbose_name="What happened", orderable=False)
    reporter = tables.Column(verbose_name="Reporter", order_by=("reporter__last_name", "reporter__first_name"))
    unit = tables.Column(accessor="reporter__command_unit", verbose_name="Unit")
    status = tables.Column()
    severity = tables.Column(default="Not triaged")
    personal_data_involved = tables.Column(verbose_name="Personal data")
    next_deadline = tables.Column(verbose_name="Next deadline", default="No deadline running")
    timeliness = tables.Column(verbose_name="State", orderable=False)

    # Export only: the report as the regulator would ask for it.
    aware_at = _export("aware_at", "Aware at")
    due_at = _export("due_at", "Full report due")
    submitted_at = _export("submitted_at", "Full report submitted")
    late_at = _export("late_at", "Marked late")
    what_happened = _export("what_happened", "What happened (full)")
    where_happened = _export("where_happened", "Where")
    happened_at = _export("happened_at", "Happened at")
    breach_kinds = _export("breach_kinds", "Kind of breach")
    systems_involved = _export("systems_involved", "Systems")
    devices_involved = _export("devices_involved", "Devices")
    asset_tags = _export("asset_tags", "Asset tags")
    people_categories = _export("people_categories", "People affected (categories)")
    people_affected = _export("people_affected", "People affected (approx.)")
    data_categories = _export("data_categories", "Data categories")
    records_affected = _export("records_affected", "Records (approx.)")
    likely_consequences = _export("likely_consequences", "Likely consequences")
    containment = _export("containment", "Containment")
    others_aware = _export("others_aware", "Who else knows")
    processors_involved = _export("processors_involved", "Processors")
    delay_reasons = _export("delay_reasons", "Reasons for delay")
    likelihood = _export("likelihood", "Likelihood")
    personal_data_breach = _export("personal_data_breach", "Personal data breach")
    owner = _export("owner", "Owner")
    triaged_at = _export("triaged_at", "Triaged at")
    decision_due_at = _export("decision_due_at", "Decision due")
    decision_outcome = _export("decision__outcome", "Decision")
    decision_regime = _export("decision__regime", "Regime")
    decision_risk = _export("decision__risk_rating", "Risk")
    ico_reference = _export("decision__ico_reference", "ICO reference")
    ico_notified_at = _export("decision__ico_notified_at", "ICO notified at")
    decision_reasons = _export("decision__reasons", "Decision reasons")
    decided_at = _export("decision__decided_at", "Decided at")
    closed_at = _export("closed_at", "Closed at")

    class Meta(BaseTable.Meta):
        model = Incident
        fields = ()
        # The deadline first: a narrow screen scrolls sideways for the rest.
        sequence = (
            "reference",
            "timeliness",
            "next_deadline",
            "summary",
            "status",
            "severity",
            "personal_data_involved",
        )
        empty_text = "No incidents match these filters."

    def render_reference(self, record):
        return record.reference

    def value_reference(self, record):
        return record.reference

    def render_summary(self, value):
        return value if len(value) <= 80 else value[:79] + "…"

    def value_summary(self, value):
        return value

    def render_reporter(self, record):
        return record.reporter.get_full_name()

    def render_next_deadline(self, value, record):
        """The next deadline and its clock; below it the 72-hour clock when it runs too, so every
        report that may involve personal data shows its time left from the moment it arrives."""
        html = format_html(
            '<span class="kitbag-nowrap">{}</span><br><span class="govuk-body-s">{}: {}</span>',
            _local(value),
            DeadlineKind(record.next_deadline_kind).label,
            time_left(value),
        )
        decision_due = record.decision_clock_due
        if decision_due is not None and record.next_deadline_kind != DeadlineKind.DECISION:
            html += format_html(
                '<br><span class="govuk-body-s">{}: <span class="kitbag-nowrap">{}</span>, {}</span>',
                DeadlineKind.DECISION.label,
                _local(decision_due),
                time_left(decision_due),
            )
        return html

    def render_timeliness(self, value):
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', timeliness_tag_class(value), Timeliness(value).label
        )

    def value_timeliness(self, value):
        return Timeliness(value).label

    def value_breach_kinds(self, value):
        return _labels(BreachKind.choices, value)

    def value_people_categories(self, value):
        return _labels(PeopleCategory.choices, value)

    def value_data_categories(self, value):
        return _labels(DataCategory.choices, value)
