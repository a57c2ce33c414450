"""The Incidents dashboard and its panels (devices adds the lost and stolen devices after them)."""

from incidents import dashboard_selectors as numbers
from incidents import permissions as incident_permissions
from incidents.models import BreachKind
from incidents.selectors import Timeliness
from portal.charts import Series, bar_chart
from portal.dashboards import registry
from portal.dashboards.panels import Panel, list_url, month_label, months, range_text
from portal.dashboards.scope import Scope

CLOCK_ORDER = [Timeliness.ON_TIME, Timeliness.DUE_SOON, Timeliness.OVERDUE, Timeliness.LATE]
KIND_NAMES = {
    BreachKind.CONFIDENTIALITY: "Confidentiality",
    BreachKind.INTEGRITY: "Integrity",
    BreachKind.AVAILABILITY: "Availability",
    numbers.NOT_STATED: "Not stated yet",
}


def incident_panels(scope: Scope, **context) -> list[Panel]:
    incidents = numbers.incidents_for_dashboard(start=scope.start_at, end=scope.end_at, **scope.people())
    dated = f"Incidents people became aware of from {range_text(scope.start, scope.end)}."
    queue = list_url("incidents:incident_queue", unit=scope.unit)
    everything = list_url("incidents:incident_queue", unit=scope.unit, status="any")
    panels = []

    counts = numbers.open_by_timeliness(incidents)
    panels.append(
        Panel(
            id="incidents-clock",
            title="Open incidents by deadline",
            chart=bar_chart(
                chart_id="incidents-clock",
                title="Open incidents by deadline",
                description="Open incidents by where they stand against their next deadline.",
                categories=[t.label for t in CLOCK_ORDER],
                series=[Series("Open incidents", [counts[t] for t in CLOCK_ORDER])],
                category_label="Deadline",
                value_label="Open incidents",
            ),
            list_url=queue,
            list_label="the incident queue",
            list_kind="incidents",
            note=dated,
        )
    )

    shares = numbers.reported_within_12_hours_by_month(incidents)
    month_list = months(scope.start, scope.end)
    rows = [shares.get(m) or numbers.MonthShare(month=m, within=0, known=0) for m in month_list]
    panels.append(
        Panel(
            id="incidents-on-time",
            title="Full reports within 12 hours of awareness",
            chart=bar_chart(
                chart_id="incidents-on-time",
                title="Full reports within 12 hours of awareness",
                description="Share of full reports in within 12 hours of awareness, by month of awareness.",
                caption="Out of the reports whose 12 hours have passed or that are in.",
                categories=[month_label(r.month) for r in rows],
                series=[Series("Within 12 hours", [r.percent for r in rows])],
                category_label="Month of awareness",
                value_label="Within 12 hours",
                unit="%",
                max_value=100,
                extra_columns=[("Reports", [f"{r.within} of {r.known}" for r in rows])],
            ),
            list_url=everything,
            list_label="every incident in the queue",
            list_kind="incidents",
            note=dated,
        )
    )

    delay = numbers.awareness_to_report(incidents)
    panels.append(
        Panel(
            id="incidents-delay",
            title="Time from awareness to full report",
            chart=bar_chart(
                chart_id="incidents-delay",
                title="Time from awareness to full report",
                description=f"Median and 90th percentile over {delay.reports} full reports.",
                caption=f"Over {delay.reports} full reports.",
                categories=["Median", "90th percentile"],
                series=[Series("Hours", [delay.median_hours or 0, delay.p90_hours or 0])],
                category_label="Measure",
                value_label="Hours",
                unit="hours",
                horizontal=True,
            ),
            list_url=everything,
            list_label="every incident in the queue",
            list_kind="incidents",
            note=dated,
        )
    )

    pending = numbers.decisions_pending_by_time_left(incidents)
    bands = [label for label, _, _ in numbers.DECISION_BANDS]
    panels.append(
        Panel(
            id="incidents-decisions",
            title="72-hour regulator decisions pending",
            chart=bar_chart(
                chart_id="incidents-decisions",
                title="72-hour regulator decisions pending",
                description="Open incidents awaiting the decision on telling the regulator, by time left.",
                categories=bands,
                series=[Series("Decisions pending", [pending[b] for b in bands])],
                category_label="Time left",
                value_label="Decisions pending",
                horizontal=True,
            ),
            list_url=queue,
            list_label="the incident queue",
            list_kind="incidents",
            note=dated,
        )
    )

    units = numbers.by_unit_and_breach_kind(incidents)
    kinds = list(KIND_NAMES)
    panels.append(
        Panel(
            id="incidents-units",
            title="Incidents by command unit and kind of breach",
            chart=bar_chart(
                chart_id="incidents-units",
                title="Incidents by command unit and kind of breach",
                description="Incidents by the reporter's command unit and the kinds of breach the report names.",
                caption="A report may name several kinds of breach.",
                categories=[u["unit"] or "(none recorded)" for u in units],
                series=[Series(KIND_NAMES[k], [u[k] for u in units]) for k in kinds],
                category_label="Command unit",
                value_label="Incidents",
                horizontal=True,
                extra_columns=[("All incidents", [u["total"] for u in units])],
            ),
            list_url=everything,
            list_label="every incident in the queue",
            list_kind="incidents",
            note=dated,
        )
    )

    return panels


registry.register_section(slug="incidents", name="Incidents", order=10)
registry.register_panels(section="incidents", build=incident_panels, order=10)
registry.register_list("incidents", incident_permissions.can_review)
