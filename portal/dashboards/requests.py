"""The Devices dashboard's kit request panels: open requests by status and age, and kit gaps by
command unit. Counts only (a request's reason may be health information), from
devices.requests.selectors.kit."""

from devices.models import DeviceModel, DeviceRequest
from devices.requests.selectors import kit as numbers
from portal.charts import Series, bar_chart
from portal.dashboards.panels import Panel, list_url, range_text
from portal.dashboards.scope import Scope

KIND_LABELS = dict(DeviceModel.Kind.choices)


def request_panels(scope: Scope) -> list[Panel]:
    open_requests = numbers.open_device_requests_by_status_and_age(
        start=scope.start_at, end=scope.end_at, **scope.people()
    )
    statuses = [(status, DeviceRequest.Status(status).label) for status in DeviceRequest.OPEN_STATUSES]
    bands = [label for label, _, _ in numbers.REQUEST_AGE_BANDS]
    gaps = numbers.kit_gaps_by_command_unit(**scope.people())
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
