"""A hand-built custody and HR history for the figures' tests: people where they stood from an
instant, devices received, issued, returned, lost and found at given instants."""

import datetime

from devices.models import Assignment, DeviceEvent
from portal.models import PersonHistory

UTC = datetime.UTC


def at(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


def stood(person, when, *, unit: str, team: str, active: bool = True, rank: str = "PC") -> PersonHistory:
    return PersonHistory.objects.create(
        person=person,
        valid_from=when,
        command_unit=unit,
        team=team,
        is_active=active,
        rank_or_grade=rank,
        source="admin",
    )


def event(device, kind, when, *, actor, holder=None, from_status="", to_status) -> DeviceEvent:
    return DeviceEvent.objects.create(
        device=device,
        kind=kind,
        actor=actor,
        holder=holder,
        from_status=from_status,
        to_status=to_status,
        created_at=when,
    )


def received(device, when, *, actor) -> DeviceEvent:
    return event(device, DeviceEvent.Kind.RECEIVED, when, actor=actor, to_status="in_stock")


def issued(device, holder, when, *, actor) -> Assignment:
    event(device, DeviceEvent.Kind.ISSUED, when, actor=actor, holder=holder, from_status="in_stock", to_status="issued")
    return Assignment.objects.create(
        device=device, holder=holder, issued_at=when, issued_by=actor, issued_at_tech_bar=device.tech_bar
    )


def returned(assignment, when, *, actor, reason="faulty") -> None:
    assignment.returned_at, assignment.returned_by, assignment.return_reason = when, actor, reason
    assignment.save(update_fields=["returned_at", "returned_by", "return_reason"])
    event(
        assignment.device,
        DeviceEvent.Kind.RETURNED,
        when,
        actor=actor,
        holder=assignment.holder,
        from_status="issued",
        to_status="returned",
    )


def lost(assignment, when, *, actor, kind="lost") -> None:
    assignment.returned_at, assignment.return_reason = when, kind
    assignment.save(update_fields=["returned_at", "return_reason"])
    event_kind = DeviceEvent.Kind.REPORTED_LOST if kind == "lost" else DeviceEvent.Kind.REPORTED_STOLEN
    event(
        assignment.device, event_kind, when, actor=actor, holder=assignment.holder, from_status="issued", to_status=kind
    )


def found(device, when, *, actor) -> DeviceEvent:
    return event(device, DeviceEvent.Kind.FOUND, when, actor=actor, from_status="lost", to_status="returned")


def cell(figures, key: str, labels: tuple, column: str) -> int:
    table = figures.table(key)
    index = table.columns.index(column)
    for row_labels, values in table.rows:
        if tuple(row_labels[: len(labels)]) == labels:
            return values[index]
    raise KeyError(f"{key}: no row {labels}")
