"""Every change to a device goes through here: one transaction, one custody event each."""

from django.db import transaction
from django.utils import timezone

from devices.models import Assignment, Device, DeviceEvent, TechBar
from policy import selectors as policy_selectors
from portal.models import User


class DeviceError(Exception):
    """A domain error the view turns into a message on the page."""


class DeviceNotAvailable(DeviceError):
    def __init__(self, device: Device):
        super().__init__(f"{device.asset_tag} is {device.get_status_display().lower()}, not in stock.")


class HolderNotEligible(DeviceError):
    pass


def _transition(device: Device, to_status: str) -> str:
    from_status = device.status
    if to_status not in Device.TRANSITIONS[Device.Status(from_status)]:
        raise DeviceError(
            f"{device.asset_tag} cannot go from {device.get_status_display().lower()} "
            f"to {Device.Status(to_status).label.lower()}."
        )
    device.status = to_status
    return from_status


@transaction.atomic
def device_issue(*, device: Device, holder: User, actor: User, tech_bar: TechBar) -> Assignment:
    """Hand a device in stock to a holder at a Tech Bar counter."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status != Device.Status.IN_STOCK:
        raise DeviceNotAvailable(device)
    if not holder.is_active:
        raise HolderNotEligible(f"{holder} is no longer active and cannot be issued kit.")
    if not policy_selectors.has_accepted_current(holder):
        raise HolderNotEligible(
            f"{holder} has not accepted the current ICT Conditions of Use. Ask them to accept it in Kitbag first."
        )
    from_status = _transition(device, Device.Status.ISSUED)
    device.tech_bar = None
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    assignment = Assignment.objects.create(device=device, holder=holder, issued_by=actor, issued_at_tech_bar=tech_bar)
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.ISSUED,
        actor=actor,
        holder=holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
    )
    return assignment


@transaction.atomic
def device_return(*, device: Device, actor: User, tech_bar: TechBar, reason: str, condition: str = "") -> Assignment:
    """Take a device back at a counter: it waits for triage."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    assignment = Assignment.objects.select_for_update().filter(device=device, returned_at__isnull=True).first()
    if assignment is None:
        raise DeviceError(f"{device.asset_tag} is not issued to anyone.")
    from_status = _transition(device, Device.Status.RETURNED)
    device.tech_bar = tech_bar
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    assignment.returned_at = timezone.now()
    assignment.returned_by = actor
    assignment.return_reason = reason
    assignment.condition = condition
    assignment.save(update_fields=["returned_at", "returned_by", "return_reason", "condition"])
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.RETURNED,
        actor=actor,
        holder=assignment.holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        note=f"{Assignment.ReturnReason(reason).label}. {condition}".strip(),
    )
    return assignment
