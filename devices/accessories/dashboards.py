"""The Devices dashboard's accessory panels: accessories issued per month by kind, and consumables
used at each Tech Bar. Registered by importing this module from `devices.dashboards`."""

from devices import permissions as device_permissions
from devices.accessories import selectors
from portal.charts import Series, bar_chart
from portal.dashboards import registry
from portal.dashboards.panels import Panel, list_url, month_label, months, range_text
from portal.dashboards.scope import Scope


def accessory_panels(scope: Scope, **context) -> list[Panel]:
    window = {"start": scope.start_at, "end": scope.end_at, **scope.people()}
    issued = selectors.accessories_issued_per_month(**window)
    month_list = months(scope.start, scope.end)
    kinds = sorted({kind for _, kind in issued})
    per_month = Panel(
        id="devices-accessories-monthly",
        title="Accessories issued per month by kind",
        chart=bar_chart(
            chart_id="devices-accessories-monthly",
            title="Accessories issued per month by kind",
            description="Accessories handed over at the Tech Bar counters each month, by kind.",
            categories=[month_label(m) for m in month_list],
            series=[Series(kind, [issued.get((m, kind), 0) for m in month_list]) for kind in kinds]
            or [Series("Accessories", [0 for _ in month_list])],
            category_label="Month",
            value_label="Accessories issued",
            stacked=True,
        ),
        list_url=list_url("devices:activity", event="issued", date_from=scope.start, date_to=scope.end),
        list_label="the custody activity",
        list_kind="activity",
        note=f"Issued from {range_text(scope.start, scope.end)}.",
    )
    used = selectors.consumables_used_per_tech_bar(**window)
    per_bar = Panel(
        id="devices-consumables",
        title="Consumables used per Tech Bar",
        chart=bar_chart(
            chart_id="devices-consumables",
            title="Consumables used per Tech Bar",
            description="Consumable accessories (kept or used up, never handed back) issued at each Tech Bar.",
            categories=[name for name, _, _ in used],
            series=[Series("Consumables issued", [n for _, n, _ in used])],
            category_label="Tech Bar",
            value_label="Consumables issued",
            horizontal=True,
            extra_columns=[("People given them", [people for _, _, people in used])],
        ),
        list_url=list_url("devices:activity", event="issued", date_from=scope.start, date_to=scope.end),
        list_label="the custody activity",
        list_kind="activity",
        note=f"Issued from {range_text(scope.start, scope.end)}.",
    )
    return [per_month, per_bar]


registry.register_panels(section="devices", build=accessory_panels, order=30)
registry.register_list("activity", device_permissions.can_view_activity)
