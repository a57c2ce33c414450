"""Triage: what happens to a device once it is back with a Tech Bar.

A returned device (handed back at a counter, or lost and found) waits at its Tech Bar for one of
three outcomes: back to stock once wiped and checked, to a repairer, or disposal with its
certificate. A device back from repair waits for triage again. Each service: keyword-only, one
transaction, the device locked, one custody event and one `DeviceTriage` record, and only along
`Device.TRANSITIONS`.
"""

from django.db import transaction
from django.utils import timezone

from devices.core.models import Device, DeviceEvent
from devices.core.services import DeviceError, _transition
from devices.stock.services.stock import stock_level_check
from devices.triage.models import DeviceTriage
from portal.models import User


def _locked(device: Device, *, expected: str) -> Device:
    device = Device.objects.select_for_update(of=("self",)).select_related("tech_bar").get(pk=device.pk)
    if device.status != expected:
        where = f" at {device.tech_bar}" if device.tech_bar_id else ""
        raise DeviceError(
            f"{device.asset_tag} is {device.get_status_display().lower()}{where}, "
            f"not {Device.Status(expected).label.lower()}."
        )
    if device.tech_bar_id is None:
        raise DeviceError(f"{device.asset_tag} is not at any Tech Bar.")
    return device


def _record(*, device: Device, actor: User, to_status: str, outcome: str, note: str, **details) -> DeviceTriage:
    from_status = _transition(device, to_status)
    device.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    event = DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.TRIAGED,
        actor=actor,
        tech_bar=device.tech_bar,
        from_status=from_status,
        to_status=device.status,
        note=note[:500],
        created_at=now,
    )
    triage = DeviceTriage(
        device=device, event=event, outcome=outcome, tech_bar=device.tech_bar, actor=actor, created_at=now, **details
    )
    triage.full_clean(exclude=["device", "event", "tech_bar", "actor"])
    triage.save()
    return triage


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DeviceError(message)
    return value[:100]


@transaction.atomic
def triage_to_stock(*, device: Device, actor: User, checked_by: User, wiped_and_checked: bool) -> DeviceTriage:
    """Wiped and checked by `checked_by`: back on the shelf at the Tech Bar where it is."""
    device = _locked(device, expected=Device.Status.RETURNED)
    if not wiped_and_checked:
        raise DeviceError(f"{device.asset_tag} goes back to stock only once it has been wiped and checked.")
    triage = _record(
        device=device,
        actor=actor,
        to_status=Device.Status.IN_STOCK,
        outcome=DeviceTriage.Outcome.STOCK,
        note=f"Back to stock: wiped and checked by {checked_by.get_full_name() or checked_by}.",
        checked_by=checked_by,
    )
    if device.tech_bar_id:  # stock went up: a low-stock alert for this model re-arms
        stock_level_check(tech_bar=device.tech_bar, device_model=device.model, fell=False)
    return triage


@transaction.atomic
def triage_to_repair(*, device: Device, actor: User, supplier_reference: str) -> DeviceTriage:
    """Sent to a repairer, under their reference; it stays recorded at this Tech Bar."""
    device = _locked(device, expected=Device.Status.RETURNED)
    reference = _required(supplier_reference, f"Enter the supplier's repair reference for {device.asset_tag}.")
    return _record(
        device=device,
        actor=actor,
        to_status=Device.Status.IN_REPAIR,
        outcome=DeviceTriage.Outcome.REPAIR,
        note=f"Sent for repair, supplier reference {reference}.",
        supplier_reference=reference,
    )


@transaction.atomic
def triage_dispose(*, device: Device, actor: User, disposal_reference: str) -> DeviceTriage:
    """Disposed of under a disposal certificate: never issued again (disposed is a final state)."""
    device = _locked(device, expected=Device.Status.RETURNED)
    reference = _required(disposal_reference, f"Enter the disposal certificate reference for {device.asset_tag}.")
    return _record(
        device=device,
        actor=actor,
        to_status=Device.Status.DISPOSED,
        outcome=DeviceTriage.Outcome.DISPOSAL,
        note=f"Disposed of, certificate {reference}.",
        disposal_reference=reference,
    )


@transaction.atomic
def triage_back_from_repair(*, device: Device, actor: User, note: str = "") -> DeviceTriage:
    """The repairer sent it back: it waits for triage again (checked before it is reissued)."""
    device = _locked(device, expected=Device.Status.IN_REPAIR)
    sent = device.triages.filter(outcome=DeviceTriage.Outcome.REPAIR).order_by("-created_at", "-pk").first()
    reference = sent.supplier_reference if sent else ""
    text = "Back from repair" + (f" (supplier reference {reference})" if reference else "") + ": awaiting triage."
    if note.strip():
        text = f"{text} {note.strip()}"
    return _record(
        device=device,
        actor=actor,
        to_status=Device.Status.RETURNED,
        outcome=DeviceTriage.Outcome.BACK_FROM_REPAIR,
        note=text,
        supplier_reference=reference,
    )
