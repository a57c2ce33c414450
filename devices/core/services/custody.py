"""Custody: a device received at a Tech Bar (one or many), issued to a holder, returned.
One transaction each, one custody event each. Stock, requests, leavers and losses act on these
moments through `devices.core.services.hooks`, inside the same transaction."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from devices.core.models import Assignment, Device, DeviceEvent, TechBar
from devices.core.models.device import full_stop
from devices.core.services import hooks
from devices.core.services.common import DeviceError, DeviceNotAvailable, HolderNotEligible, _transition, holder_refusal
from devices.counter.models import CounterVisit
from policy import selectors as policy_selectors
from portal.models import User


@transaction.atomic
def device_receive(*, device: Device, actor: User, tech_bar: TechBar, note: str = "") -> Device:
    """A new device arrives at a Tech Bar: saved in stock there, with its "received" event."""
    device.status = Device.Status.IN_STOCK
    device.tech_bar = tech_bar
    device.full_clean()
    device.save()
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.RECEIVED,
        actor=actor,
        tech_bar=tech_bar,
        from_status="",
        to_status=device.status,
        note=note[:500],
    )
    hooks.fire(hooks.RECEIVED, device=device, actor=actor, tech_bar=tech_bar)
    return device


@transaction.atomic
def devices_receive_bulk(
    *, devices: list[Device], actor: User, note: str = "", received_at: datetime | None = None
) -> list[Device]:
    """`device_receive` for many new devices at once (an MDM import): each saved in stock at its own
    `tech_bar`, each with its "received" event (at `received_at` when the devices arrived before
    they were recorded, else now), in two INSERTs per batch. The caller has validated them."""
    for device in devices:
        if device.tech_bar_id is None:
            raise DeviceError(f"{device.asset_tag} has no Tech Bar to be received at.")
        device.status = Device.Status.IN_STOCK
    created, when = Device.objects.bulk_create(devices), received_at or timezone.now()
    DeviceEvent.objects.bulk_create(
        DeviceEvent(
            device=device,
            kind=DeviceEvent.Kind.RECEIVED,
            actor=actor,
            tech_bar_id=device.tech_bar_id,
            from_status="",
            to_status=Device.Status.IN_STOCK,
            note=note[:500],
            created_at=when,
        )
        for device in created
    )
    return created


@transaction.atomic
def device_issue(
    *,
    device: Device,
    holder: User,
    actor: User,
    tech_bar: TechBar,
    visit: CounterVisit | None = None,
    replaces: DeviceEvent | None = None,
    holder_checked: bool = False,
    locked: bool = False,
) -> Assignment:
    """Hand a device in stock to a holder at a Tech Bar counter; in a swap, `replaces` is the
    "taken back" event of the device it replaces. `holder_checked`: the caller has checked, in this
    transaction with the holder's row locked, that kit may go to them and that they have accepted
    the conditions of use (the counter's confirm, once for every device it hands over). `locked`:
    the caller locked `device` in this transaction and read it then, with its model (the counter's
    confirm locks every device of a visit at once): it is not read again. The assignment returned
    carries the "issued" event written here as `custody_event`."""
    if not locked:
        device = Device.objects.select_for_update(of=("self",)).select_related("model").get(pk=device.pk)
    if device.status != Device.Status.IN_STOCK:
        raise DeviceNotAvailable(device)
    if device.model.retired:
        raise DeviceError(f"{device.asset_tag} is a {device.model}, a retired model: it is not issued.")
    refusal = "" if holder_checked else holder_refusal(holder)
    if refusal:
        raise HolderNotEligible(refusal)
    if not holder_checked and not policy_selectors.has_accepted_current(holder):
        raise HolderNotEligible(
            f"{holder} has not accepted the current ICT Conditions of Use. Ask them to accept it in Kitbag first."
        )
    if device.tech_bar_id is not None and device.tech_bar_id != tech_bar.pk:
        raise DeviceError(f"{device.asset_tag} is in stock at {device.tech_bar}, not at {tech_bar}.")
    if device.tech_bar_id is None and device.transfers.filter(received_at__isnull=True).exists():
        raise DeviceError(f"{device.asset_tag} is on its way to another Tech Bar: receive it there first.")
    from_status = _transition(device, Device.Status.ISSUED)
    device.tech_bar = None
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    assignment = Assignment.objects.create(device=device, holder=holder, issued_by=actor, issued_at_tech_bar=tech_bar)
    assignment.custody_event = DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.ISSUED,
        actor=actor,
        holder=holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        counter_visit=visit,
        replaces=replaces,
        note=f"Replaces {replaces.device.asset_tag} (swap)." if replaces is not None else "",
    )
    # A device reserved for someone else is refused here (requests), and rolls all this back.
    hooks.fire(
        hooks.ISSUED,
        device=device,
        assignment=assignment,
        actor=actor,
        tech_bar=tech_bar,
        holder_locked=holder_checked,  # checked with the holder's row locked (see above)
    )
    return assignment


@transaction.atomic
def device_return(
    *,
    device: Device,
    actor: User,
    tech_bar: TechBar,
    reason: str,
    condition: str = "",
    visit: CounterVisit | None = None,
    swapped_for: Device | None = None,
    locked: bool = False,
) -> Assignment:
    """Take a device back at a counter: it waits for triage. A lost or stolen device that turns
    up comes back the same way, as found, and the incident about its loss is told. `swapped_for`:
    its replacement in a swap at the same visit (named on the event). `locked`: as for
    device_issue. The assignment returned carries the "returned" event written here as
    `custody_event`."""
    if not locked:
        device = Device.objects.select_for_update().get(pk=device.pk)
    found = device.status in (Device.Status.LOST, Device.Status.STOLEN)
    if found:
        reason = Assignment.ReturnReason.FOUND
        assignment = Assignment.objects.select_for_update().filter(device=device).order_by("-issued_at").first()
    else:
        assignment = Assignment.objects.select_for_update().filter(device=device, returned_at__isnull=True).first()
    if assignment is None:
        hooks.fire(hooks.RETURN_UNMATCHED, device=device)  # e.g. a leaver's device checked in twice
        where = f" at {device.tech_bar}" if device.tech_bar_id else ""
        raise DeviceError(
            f"{device.asset_tag} is not issued to anyone: it is {device.get_status_display().lower()}{where}."
        )
    if not reason and not found:
        reason = hooks.ask(hooks.RETURN_REASON, assignment=assignment) or reason  # a leaver's kit: "leaver"
    if reason not in Assignment.COUNTER_REASONS:
        raise DeviceError(f"Choose why {device.asset_tag} is coming back.")
    from_status = _transition(device, Device.Status.RETURNED)
    device.tech_bar = tech_bar
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    if assignment.returned_at is None:  # a loss report already ended a lost device's assignment
        assignment.returned_at = timezone.now()
        assignment.returned_by = actor
        assignment.return_reason = reason
        assignment.condition = condition[:200]
        assignment.save(update_fields=["returned_at", "returned_by", "return_reason", "condition"])
    assignment.custody_event = DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.RETURNED,
        actor=actor,
        holder=assignment.holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        note=_return_note(reason, condition, swapped_for),
        counter_visit=visit,
    )
    if found:
        hooks.fire(hooks.FOUND, device=device, assignment=assignment, actor=actor, tech_bar=tech_bar, note=condition)
    else:
        hooks.fire(hooks.RETURNED, device=device, assignment=assignment, actor=actor, tech_bar=tech_bar)
    return assignment


def _return_note(reason: str, condition: str, swapped_for: Device | None) -> str:
    note = f"{Assignment.ReturnReason(reason).label}. {full_stop(condition, max_length=400)}".strip()
    if swapped_for is not None:
        note = f"{note[:500]} Swapped for {swapped_for.asset_tag}."
    return note[:500]
