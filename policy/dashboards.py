"""The Conditions of use dashboard and its panels: the compliance page's own selectors (policy.selectors)
for each policy in force, narrowed to the filter's command unit and the viewer's slice."""

import dataclasses
import datetime

from django.db.models import Count
from django.utils import timezone

from policy import selectors
from policy.models import Policy
from portal import permissions
from portal.charts import Series, bar_chart, line_chart
from portal.dashboards import registry
from portal.dashboards.panels import Panel, list_url, range_text
from portal.dashboards.scope import Scope
from portal.models import User
from portal.timers import current_time


def _compliance(policy: Policy, scope: Scope, viewer: User, now: datetime.datetime):
    compliance = selectors.policy_compliance(viewer=viewer, policy=policy, now=now)
    if compliance is None:
        return None
    people = compliance.people
    if scope.unit:
        people = people.filter(command_unit=scope.unit)
    if scope.supervisor is not None:
        people = people.filter(supervisor=scope.supervisor)
    return dataclasses.replace(compliance, people=people)


def compliance_panels(scope: Scope, *, viewer: User, **context) -> list[Panel]:
    now = current_time()
    panels = []
    for policy in Policy.objects.order_by("name"):
        compliance = _compliance(policy, scope, viewer, now)
        if compliance is None:
            continue
        panels += _policy_panels(policy, compliance, scope, now)
    return panels


def _policy_panels(policy: Policy, compliance, scope: Scope, now: datetime.datetime) -> list[Panel]:
    version = f"version {compliance.current.number}"
    page = list_url("policy:compliance", kwargs={"slug": policy.slug}, command_unit=scope.unit)
    units = selectors.compliance_by_command_unit(compliance=compliance)
    total = selectors.compliance_total(units)
    rows = [total, *units]
    by_unit = Panel(
        id=f"{policy.slug}-units",
        title=f"{policy.name}: accepted {version}",
        chart=bar_chart(
            chart_id=f"{policy.slug}-units",
            title=f"{policy.name}: accepted {version}",
            description=f"Share of people who have accepted {version}, overall and by command unit.",
            categories=[r.command_unit for r in rows],
            series=[Series(f"Accepted {version}", [r.percent_accepted_current for r in rows])],
            category_label="Command unit",
            value_label="Accepted",
            unit="%",
            max_value=100,
            horizontal=True,
            extra_columns=[
                ("People", [r.people for r in rows]),
                ("Accepted", [r.accepted_current for r in rows]),
                ("Up to date", [r.up_to_date for r in rows]),
            ],
        ),
        list_url=page,
        list_label="the compliance list",
        list_kind="compliance",
        note="Everyone the policy covers now; the date range does not apply.",
    )
    points = [
        p
        for p in selectors.compliance_over_time(compliance=compliance, people=total.people, now=now, max_points=400)
        if scope.start <= p.day <= scope.end
    ]
    step = max(1, -(-len(points) // 31))
    points = points[::-1][::step][::-1]  # at most 31 points, ending on the last day
    since = timezone.localdate(compliance.required.starts_at)
    curve = Panel(
        id=f"{policy.slug}-curve",
        title=f"{policy.name}: up to date since publication",
        chart=line_chart(
            chart_id=f"{policy.slug}-curve",
            title=f"{policy.name}: up to date since publication",
            description=f"Share of people up to date at the end of each day since {version} took effect.",
            dates=[p.day for p in points] or [scope.end],
            series=[Series("Up to date", [p.percent for p in points] or [0])],
            date_label="End of day",
            value_label="Up to date",
            unit="%",
            max_value=100,
            extra_columns=[("People up to date", [f"{p.up_to_date} of {p.people}" for p in points] or ["none"])],
        ),
        list_url=page,
        list_label="the compliance list",
        list_kind="compliance",
        note=f"Days from {range_text(max(scope.start, since), scope.end)} (the version took effect {since:%d %b %Y}).",
    )
    joined_by = now - compliance.required.grace_period
    overdue = compliance.people.filter(up_to_date=False, date_joined__lte=joined_by)
    if compliance.required.starts_at > joined_by:
        overdue = overdue.none()
    overdue_rows = list(overdue.order_by().values("command_unit").annotate(n=Count("pk")).order_by("command_unit"))
    outstanding = Panel(
        id=f"{policy.slug}-outstanding",
        title=f"{policy.name}: outstanding past the grace period",
        chart=bar_chart(
            chart_id=f"{policy.slug}-outstanding",
            title=f"{policy.name}: outstanding past the grace period",
            description="People not up to date whose grace period has ended, by command unit.",
            categories=["All", *(r["command_unit"] or "(none recorded)" for r in overdue_rows)],
            series=[Series("People", [sum(r["n"] for r in overdue_rows), *(r["n"] for r in overdue_rows)])],
            category_label="Command unit",
            value_label="People",
            horizontal=True,
        ),
        list_url=page,
        list_label="the compliance list",
        list_kind="compliance",
        note=f"Grace period: {compliance.required.grace_period.days} days; the date range does not apply.",
    )
    return [by_unit, curve, outstanding]


registry.register_section(slug="conditions-of-use", name="Conditions of use", order=20)
registry.register_panels(section="conditions-of-use", build=compliance_panels, order=10)
registry.register_list("compliance", permissions.can_view_compliance)
