"""The kit tables of the figures: each device's status at an instant, and the issues, returns,
losses and thefts over a range; narrowed to a command unit as things stood when one is chosen. One
query each, in SQL."""

# SQL here is put together from model metadata and constants only; every value is a parameter.
# ruff: noqa: S608

from datetime import datetime

from devices.core.models import Assignment, Device, DeviceEvent
from devices.figures.counts import FigureTable, add_total_row
from devices.figures.sql import rows, stood_cte, unit_then
from portal.formats import local_datetime

STATUSES = [(s.value, s.label) for s in Device.Status]
# A device with one of these statuses is with a person (or was last with one); the others sit at a
# Tech Bar or with a supplier and belong to no command unit.
HELD_STATUSES = (Device.Status.ISSUED, Device.Status.RETURNED, Device.Status.LOST, Device.Status.STOLEN)
ACTIVITY = [
    (DeviceEvent.Kind.ISSUED, "Issues"),
    (DeviceEvent.Kind.RETURNED, "Returns"),
    (DeviceEvent.Kind.REPORTED_LOST, "Losses"),
    (DeviceEvent.Kind.REPORTED_STOLEN, "Thefts"),
]


def _in(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def status_table(as_of: datetime, command_unit: str = "") -> FigureTable:
    """Each device's status as its latest event at or before the instant left it (a window over
    the events up to then, on the (device, created_at) index); a device with no event yet did not
    exist then. With a command unit: the devices issued then to people in that unit then (by the
    assignments), and those lost, stolen or awaiting triage whose latest event names a person in it."""
    event, assignment = DeviceEvent._meta.db_table, Assignment._meta.db_table
    latest = (
        "SELECT e.device_id, e.to_status, e.holder_id, "  # nosec B608
        "ROW_NUMBER() OVER (PARTITION BY e.device_id ORDER BY e.created_at DESC, e.id DESC) AS rn "
        f"FROM {event} e WHERE e.created_at <= %s"
    )
    if not command_unit:
        sql = f"SELECT to_status, COUNT(*) FROM ({latest}) latest WHERE rn = 1 GROUP BY to_status"  # nosec B608
        params = [as_of]
        shown, scope = STATUSES, "The whole force."
    else:
        held = [str(status) for status in HELD_STATUSES if status != Device.Status.ISSUED]
        sql = (
            f"WITH {stood_cte()} SELECT latest.to_status, COUNT(*) FROM ({latest}) latest "  # nosec B608
            f"LEFT JOIN {assignment} a ON a.device_id = latest.device_id AND a.issued_at <= %s "
            "AND (a.returned_at IS NULL OR a.returned_at > %s) "
            "JOIN stood s ON s.person_id = COALESCE(a.holder_id, "
            f"CASE WHEN latest.to_status IN ({_in(held)}) THEN latest.holder_id END) "
            "WHERE latest.rn = 1 AND COALESCE(s.command_unit, '') = %s GROUP BY latest.to_status"
        )
        params = [as_of, as_of, as_of, as_of, command_unit]
        shown = [(status, label) for status, label in STATUSES if status in HELD_STATUSES]
        scope = (
            f"Devices issued at the time to people in {command_unit} then, and devices lost, stolen or "
            f"awaiting triage whose last holder was in {command_unit} then. Devices in stock, in repair "
            "or disposed sit at a Tech Bar or with a supplier and belong to no command unit, so they are "
            "not counted here: choose no command unit to see them."
        )
    found = dict(rows(sql, params))
    table = FigureTable(
        key="statuses",
        title="Devices by status",
        label_headers=["Status"],
        columns=["Devices"],
        rows=[((str(label),), [found.get(status, 0)]) for status, label in shown],
        scope=scope,
    )
    add_total_row(table, additive=[True])
    return table


def activity_table(range_start: datetime, range_end: datetime, command_unit: str = "") -> FigureTable:
    """Issues, returns, losses and thefts in [range_start, range_end); with a command unit, those
    whose holder stood in that unit at the instant of the event."""
    event = DeviceEvent._meta.db_table
    kinds = [str(kind) for kind, _ in ACTIVITY]
    sql = (
        f"SELECT e.kind, COUNT(*) FROM {event} e WHERE e.created_at >= %s AND e.created_at < %s "  # nosec B608
        f"AND e.kind IN ({', '.join(['%s'] * len(kinds))})"
    )
    params: list = [range_start, range_end, *kinds]
    if command_unit:
        sql += f" AND {unit_then('e.holder_id', 'e.created_at')} = %s"
        params.append(command_unit)
        scope = f"Events whose holder was in {command_unit} at the time of the event; the end is not included."
    else:
        scope = "The whole force; the end is not included."
    found = dict(rows(sql + " GROUP BY e.kind", params))
    return FigureTable(
        key="activity",
        title=f"Issues, returns, losses and thefts from {local_datetime(range_start)} to {local_datetime(range_end)}",
        label_headers=["Change"],
        columns=["Events"],
        rows=[((label,), [found.get(str(kind), 0)]) for kind, label in ACTIVITY],
        scope=scope,
    )
