"""The Devices and Leavers dashboards and their panels, and the Incidents dashboard's lost and
stolen devices. The kit request panels are counts only (a request's reason may be health
information), from devices.requests.selectors.kit."""

import datetime

from devices import dashboard_selectors as numbers
from devices import permissions as device_permissions
from devices.models import Device, DeviceLoss, DeviceModel, DeviceRequest, RemoteAction
from devices.requests.selectors import kit as request_selectors
from portal import permissions
from portal.charts import Series, bar_chart, line_chart
from portal.dashboards import registry
from portal.dashboards.panels import Panel, list_url, month_label, months, range_text
from portal.dashboards.scope import Scope
from portal.formats import local_date, local_datetime

# The daily chart shows at most this many days, the last of the range.
MOST_DAYS = 92
NOW_NOTE = "The estate now; the date range does not apply."


def _estate_panel(devices, field, *, chart_id, title, category_label, names, scope) -> Panel:
    counts = numbers.estate_by(devices, field)
    return Panel(
        id=chart_id,
        title=title,
        chart=bar_chart(
            chart_id=chart_id,
            title=title,
            description=f"Devices by {category_label.lower()}.",
            categories=[names.get(value, value) for value, _ in counts],
            series=[Series("Devices", [n for _, n in counts])],
            category_label=category_label,
            value_label="Devices",
            horizontal=True,
        ),
        list_url=list_url("devices:device_list", unit=scope.unit),
        list_label="the device list",
        list_kind="devices",
        note=NOW_NOTE,
    )


def device_panels(scope: Scope, *, today: datetime.date, **context) -> list[Panel]:
    devices = numbers.devices_for_dashboard(**scope.people())
    panels = [
        _estate_panel(
            devices,
            "status",
            chart_id="devices-status",
            title="The estate by status",
            category_label="Status",
            names=dict(Device.Status.choices),
            scope=scope,
        ),
        _estate_panel(
            devices,
            "model__kind",
            chart_id="devices-kind",
            title="The estate by kind",
            category_label="Kind",
            names=dict(DeviceModel.Kind.choices),
            scope=scope,
        ),
        _estate_panel(
            devices,
            "model",
            chart_id="devices-model",
            title="The estate by model",
            category_label="Model",
            names={},
            scope=scope,
        ),
    ]

    first = max(scope.start, scope.end - datetime.timedelta(days=MOST_DAYS - 1))
    daily = numbers.issues_and_returns_by_day(
        start=max(scope.start_at, Scope(first, first, "", None).start_at), end=scope.end_at, **scope.people()
    )
    days = [first + datetime.timedelta(days=i) for i in range((scope.end - first).days + 1)]
    bars = sorted({bar for _, bar in daily})
    total = lambda day, which: sum(daily.get((day, bar), (0, 0))[which] for bar in bars)  # noqa: E731
    columns = []
    for bar in bars:
        columns.append((f"Issues at {bar}", [daily.get((d, bar), (0, 0))[0] for d in days]))
        columns.append((f"Returns at {bar}", [daily.get((d, bar), (0, 0))[1] for d in days]))
    panels.append(
        Panel(
            id="devices-daily",
            title="Issues and returns per day",
            chart=line_chart(
                chart_id="devices-daily",
                title="Issues and returns per day",
                description="Devices issued and returned at the Tech Bars each day.",
                caption="All Tech Bars; the table has each Tech Bar's figures.",
                dates=days,
                series=[Series("Issues", [total(d, 0) for d in days]), Series("Returns", [total(d, 1) for d in days])],
                date_label="Day",
                value_label="Devices",
                extra_columns=columns,
            ),
            list_url=list_url("devices:device_list", status="issued", unit=scope.unit),
            list_label="issued devices",
            list_kind="devices",
            note=f"Days from {range_text(first, scope.end)}" + (" (the last 92)." if first > scope.start else "."),
        )
    )

    past = numbers.past_end_of_life_by_model(devices, today=today)
    panels.append(
        Panel(
            id="devices-end-of-life",
            title="Devices past end of life",
            chart=bar_chart(
                chart_id="devices-end-of-life",
                title="Devices past end of life",
                description="Devices still in the estate whose end-of-life date has passed, by model.",
                categories=["All", *(name for name, _ in past)],
                series=[Series("Devices", [sum(n for _, n in past), *(n for _, n in past)])],
                category_label="Model",
                value_label="Devices",
                horizontal=True,
            ),
            list_url=list_url("devices:device_list", end_of_life_before=today.isoformat(), unit=scope.unit),
            list_label="devices past end of life",
            list_kind="devices",
            note=f"End of life before {local_date(today)}; the date range does not apply.",
        )
    )

    actions = numbers.open_remote_actions_by_age(start=scope.start_at, end=scope.end_at, **scope.people())
    kinds = RemoteAction.Kind.choices
    panels.append(
        Panel(
            id="devices-remote",
            title="Open SIM-block and wipe requests by age",
            chart=bar_chart(
                chart_id="devices-remote",
                title="Open SIM-block and wipe requests by age",
                description="SIM blocks and remote wipes requested or sent but not yet done, by how long ago.",
                categories=[label for _, label in kinds],
                series=[Series(band, [actions[k][band] for k, _ in kinds]) for band, _, _ in numbers.AGE_BANDS],
                category_label="Request",
                value_label="Open requests",
                horizontal=True,
                stacked=True,
                extra_columns=[("Oldest requested", [local_datetime(actions[k]["oldest"]) or "—" for k, _ in kinds])],
            ),
            list_url=list_url("devices:device_list", status="lost", unit=scope.unit),
            list_label="lost devices",
            list_kind="devices",
            note=f"Requested from {range_text(scope.start, scope.end)}.",
        )
    )

    forecast = numbers.refresh_forecast(devices, today=today)
    years = list(forecast.years)
    panels.append(
        Panel(
            id="devices-forecast",
            title="Refresh forecast by financial year",
            chart=bar_chart(
                chart_id="devices-forecast",
                title="Refresh forecast by financial year",
                description="Devices due for replacement in each financial year (April to March), and their cost.",
                caption=(
                    "Due at the end-of-life date, or at purchase plus the model's expected life; anything overdue "
                    f"counts this year. {forecast.not_forecast} devices have no cost, expected life or dates."
                ),
                categories=[f"{y}–{str(y + 1)[-2:]}" for y in years],
                series=[Series("Devices due", [forecast.years[y][0] for y in years])],
                category_label="Financial year",
                value_label="Devices due",
                extra_columns=[("Cost", [f"£{forecast.years[y][1]:,.2f}" for y in years])],
            ),
            list_url=list_url("devices:device_list", unit=scope.unit),
            list_label="the device list",
            list_kind="devices",
            note=NOW_NOTE,
        )
    )
    return panels


def leaver_panels(scope: Scope, *, today: datetime.date, **context) -> list[Panel]:
    cases = numbers.leaver_cases_for_dashboard(start=scope.start_at, end=scope.end_at, **scope.people())
    note = f"Open cases opened from {range_text(scope.start, scope.end)}."
    leavers = list_url("devices:leaver_list", unit=scope.unit)
    bands = numbers.open_cases_by_leaving_date(cases, today=today)
    labels = [label for label, _, _ in numbers.LEAVING_BANDS]
    overdue = numbers.overdue_cases_by_unit(cases, today=today)
    items = numbers.items_outstanding_by_kind(cases)
    return [
        Panel(
            id="leavers-dates",
            title="Open leaver cases by leaving date",
            chart=bar_chart(
                chart_id="leavers-dates",
                title="Open leaver cases by leaving date",
                description="Open leaver cases by how soon the person leaves.",
                categories=labels,
                series=[Series("Open cases", [bands[b] for b in labels])],
                category_label="Leaving date",
                value_label="Open cases",
                horizontal=True,
            ),
            list_url=leavers,
            list_label="the leaver list",
            list_kind="leavers",
            note=note,
        ),
        Panel(
            id="leavers-overdue",
            title="Overdue leaver cases",
            chart=bar_chart(
                chart_id="leavers-overdue",
                title="Overdue leaver cases",
                description="Open cases whose leaving date has passed with items still out, by command unit.",
                categories=["All", *(u or "(none recorded)" for u, _ in overdue)],
                series=[Series("Overdue cases", [sum(n for _, n in overdue), *(n for _, n in overdue)])],
                category_label="Command unit",
                value_label="Overdue cases",
                horizontal=True,
            ),
            list_url=list_url("devices:leaver_list", unit=scope.unit, overdue="true"),
            list_label="overdue cases",
            list_kind="leavers",
            note=note,
        ),
        Panel(
            id="leavers-items",
            title="Items outstanding by kind",
            chart=bar_chart(
                chart_id="leavers-items",
                title="Items outstanding by kind",
                description="Devices and other property still to come back on open leaver cases.",
                categories=["All", *(k for k, _ in items)],
                series=[Series("Items outstanding", [sum(n for _, n in items), *(n for _, n in items)])],
                category_label="Kind",
                value_label="Items",
                horizontal=True,
            ),
            list_url=leavers,
            list_label="the leaver list",
            list_kind="leavers",
            note=note,
        ),
    ]


KIND_LABELS = dict(DeviceModel.Kind.choices)


def request_panels(scope: Scope, **context) -> list[Panel]:
    open_requests = request_selectors.open_device_requests_by_status_and_age(
        start=scope.start_at, end=scope.end_at, **scope.people()
    )
    statuses = [(status, DeviceRequest.Status(status).label) for status in DeviceRequest.OPEN_STATUSES]
    bands = [label for label, _, _ in request_selectors.REQUEST_AGE_BANDS]
    gaps = request_selectors.kit_gaps_by_command_unit(**scope.people())
    kinds = [kind for kind in KIND_LABELS if any(kind in counts for _, counts in gaps)]
    total = lambda key: sum(counts[key] for _, counts in gaps)  # noqa: E731
    return [
        Panel(
            id="devices-requests",
            title="Open device requests by status and age",
            chart=bar_chart(
                chart_id="devices-requests",
                title="Open device requests by status and age",
                description="Open device requests (not collected, refused or cancelled), by status and age in days.",
                categories=["All", *(label for _, label in statuses)],
                series=[
                    Series(
                        band,
                        [
                            sum(open_requests[s][band] for s, _ in statuses),
                            *(open_requests[s][band] for s, _ in statuses),
                        ],
                    )
                    for band in bands
                ],
                category_label="Status",
                value_label="Open requests",
                horizontal=True,
                stacked=True,
            ),
            list_url=list_url("devices:request_tech_bar"),
            list_label="the Tech Bar's requests",
            list_kind="requests",
            note=f"Requests made from {range_text(scope.start, scope.end)}; counts only.",
        ),
        Panel(
            id="devices-kit-gaps",
            title="Kit gaps by command unit",
            chart=bar_chart(
                chart_id="devices-kit-gaps",
                title="Kit gaps by command unit",
                description="People still here who lack part of their standard kit, by command unit.",
                categories=["All", *(unit or "(none recorded)" for unit, _ in gaps)],
                series=[Series("People lacking kit", [total("people"), *(c["people"] for _, c in gaps)])],
                category_label="Command unit",
                value_label="People",
                horizontal=True,
                extra_columns=[
                    (f"Lacking a {KIND_LABELS[kind].lower()}", [total(kind), *(c[kind] for _, c in gaps)])
                    for kind in kinds
                ],
            ),
            list_url=list_url("devices:kit_gaps", command_unit=scope.unit),
            list_label="the kit gaps list",
            list_kind="kit_gaps",
            note="Kit gaps now; the date range does not apply.",
        ),
    ]


def loan_panels(scope: Scope, *, today: datetime.date, **context) -> list[Panel]:
    """Loans past their due-back date, by the Tech Bar that lent them and days overdue."""
    overdue = numbers.loans_overdue_by_tech_bar(today=today, **scope.people())
    bands = [label for label, _, _ in numbers.LOAN_OVERDUE_BANDS]
    return [
        Panel(
            id="devices-loans-overdue",
            title="Overdue loans by Tech Bar",
            chart=bar_chart(
                chart_id="devices-loans-overdue",
                title="Overdue loans by Tech Bar",
                description="Loan pool devices not back by their due-back date, by the Tech Bar that lent them.",
                categories=[name for name, _ in overdue],
                series=[Series(band, [counts[band] for _, counts in overdue]) for band in bands],
                category_label="Tech Bar",
                value_label="Overdue loans",
                horizontal=True,
                stacked=True,
            ),
            list_url=list_url("devices:loans_overdue"),
            list_label="the overdue loans list",
            list_kind="loans",
            note="Loans overdue now; the date range does not apply.",
        )
    ]


def loss_panels(scope: Scope, **context) -> list[Panel]:
    """The Incidents dashboard's last panel: devices reported lost or stolen each month."""
    month_list = months(scope.start, scope.end)
    panels = []
    losses = numbers.losses_by_month(start=scope.start_at, end=scope.end_at, **scope.people())
    panels.append(
        Panel(
            id="incidents-losses",
            title="Devices reported lost or stolen",
            chart=bar_chart(
                chart_id="incidents-losses",
                title="Devices reported lost or stolen",
                description="Devices reported lost or stolen each month.",
                categories=[month_label(m) for m in month_list],
                series=[
                    Series(label, [losses.get((m, kind), 0) for m in month_list])
                    for kind, label in DeviceLoss.Kind.choices
                ],
                category_label="Month reported",
                value_label="Devices",
                stacked=True,
            ),
            list_url=list_url("devices:device_list", status="lost", unit=scope.unit),
            list_label="lost devices",
            list_kind="devices",
            note=f"Reported from {range_text(scope.start, scope.end)}; the holder's command unit.",
        )
    )
    return panels


registry.register_section(slug="devices", name="Devices", order=30, allowed=permissions.is_data_office)
registry.register_section(slug="leavers", name="Leavers", order=40)
registry.register_panels(section="incidents", build=loss_panels, order=20)
registry.register_panels(section="devices", build=device_panels, order=10)
registry.register_panels(section="devices", build=request_panels, order=20)
registry.register_panels(section="devices", build=loan_panels, order=30)
registry.register_panels(section="leavers", build=leaver_panels, order=10)
registry.register_list("devices", device_permissions.can_view_device)
registry.register_list("leavers", device_permissions.can_view_leaver_list)
# Not the Data Office: a request's reason may be health information.
registry.register_list("requests", device_permissions.can_reserve)
registry.register_list("kit_gaps", device_permissions.can_view_kit_gaps)
registry.register_list("loans", device_permissions.can_view_overdue_loans)

from devices.accessories import dashboards as accessory_dashboards  # noqa: E402, F401  (registers its panels)
