"""Lost, stolen and faulty reports from the holder, and a lost device that turns up again.

Services in the house shape (keyword-only, one transaction, a custody event each). They sit
beside `devices/services/` (the counter's) so both can grow without treading on each other.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from devices.core.models import Assignment, Device, DeviceEvent, TechBar
from devices.core.services import DeviceError, _transition, hooks
from devices.losses.models import DeviceLoss, RemoteAction
from devices.losses.services import emails, remote
from incidents import services as incident_services
from portal.models import User

# How a confirmation names what a loss report asked for (the officer's page and the counter's).
REQUESTED_WORDS = {RemoteAction.Kind.SIM_BLOCK: "a SIM block", RemoteAction.Kind.WIPE: "a remote wipe"}


class NotHeld(DeviceError):
    """The device is not the reporter's to report (the view answers 404)."""


class AlreadyReported(DeviceError):
    """A second submit of the same report: the first one's loss (and incident) is the answer."""

    def __init__(self, loss: DeviceLoss):
        self.loss = loss
        super().__init__(f"{loss.device.asset_tag} was reported {loss.get_kind_display().lower()} already.")


def _describe(device: Device, kind: str, where: str) -> str:
    number = f", phone number {device.phone_number}" if device.phone_number else ""
    return f"{device.model} ({device.asset_tag}{number}) {DeviceLoss.Kind(kind).label.lower()}: {where.strip()}"


@transaction.atomic
def device_report_lost(
    *, device: Device, actor: User, kind: str, noticed_at: datetime, where: str, holder: User | None = None
) -> DeviceLoss:
    """The holder (or someone for them, such as Tech Bar staff) reports a device lost or stolen.

    The holder stops holding it; a SIM block (if it has a SIM or a number) and a remote wipe (if it
    is enrolled in the MDM) are requested; and a security incident opens with its 12-hour clock
    running from `noticed_at`. A repeat of the same report raises `AlreadyReported` with the first.
    """
    holder = holder or actor
    kind = DeviceLoss.Kind(kind)
    device = Device.objects.select_for_update().select_related("model").get(pk=device.pk)
    assignment = Assignment.objects.select_for_update().filter(device=device, returned_at__isnull=True).first()
    if assignment is None or assignment.holder_id != holder.pk:
        open_loss = DeviceLoss.objects.filter(device=device, holder=holder, found_at__isnull=True).first()
        if open_loss is not None:
            raise AlreadyReported(open_loss)
        raise NotHeld(f"{device.asset_tag} is not held by {holder.get_full_name()}.")
    where = (where or "").strip()
    if not where:
        raise DeviceError("Say where it was lost or stolen.")

    now = timezone.now()
    from_status = _transition(device, Device.Status.LOST if kind == DeviceLoss.Kind.LOST else Device.Status.STOLEN)
    device.save(update_fields=["status", "updated_at"])
    # The custody record ends when the loss is reported: from now on nobody holds it.
    assignment.returned_at = max(now, assignment.issued_at)
    assignment.returned_by = actor
    assignment.return_reason = Assignment.ReturnReason(kind.value)
    assignment.condition = f"Reported {kind.label.lower()}"
    assignment.save(update_fields=["returned_at", "returned_by", "return_reason", "condition"])
    incident = incident_services.incident_open_for_lost_device(
        holder=holder,
        actor=actor,
        description=_describe(device, kind, where),
        asset_tag=device.asset_tag,
        aware_at=noticed_at,
    )
    loss = DeviceLoss.objects.create(
        device=device,
        kind=kind,
        holder=holder,
        reported_by=actor,
        reported_at=now,
        noticed_at=noticed_at,
        where=where,
        incident=incident,
    )
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.REPORTED_LOST if kind == DeviceLoss.Kind.LOST else DeviceEvent.Kind.REPORTED_STOLEN,
        actor=actor,
        holder=holder,
        from_status=from_status,
        to_status=device.status,
        note=f"{where[:400]} (incident {incident.reference})",
        created_at=now,
    )
    actions = remote.remote_actions_request_for_loss(loss=loss, actor=actor)
    hooks.fire(hooks.LOST, assignment=assignment, actor=actor, details=f"{kind.label}: {where}")
    emails.loss_email_queue(loss=loss, requested=[REQUESTED_WORDS[a.kind] for a in actions])
    return loss


@transaction.atomic
def device_report_faulty(*, device: Device, actor: User, description: str = "") -> DeviceEvent:
    """The holder says their device is faulty: nothing changes hands until a Tech Bar swaps it, but
    the counter sees the report. Reporting it twice while holding it records it once."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    assignment = Assignment.objects.filter(device=device, holder=actor, returned_at__isnull=True).first()
    if assignment is None:
        raise NotHeld(f"{device.asset_tag} is not held by {actor.get_full_name()}.")
    earlier = DeviceEvent.objects.filter(
        device=device, kind=DeviceEvent.Kind.REPORTED_FAULTY, holder=actor, created_at__gte=assignment.issued_at
    ).first()
    if earlier is not None:
        return earlier  # told once already: no second email either
    event = DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.REPORTED_FAULTY,
        actor=actor,
        holder=actor,
        from_status=device.status,
        to_status=device.status,
        note=description.strip()[:500],
    )
    emails.faulty_email_queue(device=device, holder=actor, event=event)
    return event


@transaction.atomic
def device_found(*, device: Device, actor: User, tech_bar: TechBar, note: str = "") -> DeviceLoss:
    """A lost or stolen device is back at a Tech Bar: it waits for triage there, and its incident's
    timeline says so. Its remote actions not done end as "device found" (`loss_close_found`)."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if (
        device.status not in (Device.Status.LOST, Device.Status.STOLEN)
        or not device.losses.filter(found_at__isnull=True).exists()
    ):
        raise DeviceError(f"{device.asset_tag} is {device.get_status_display().lower()}, not lost or stolen.")
    from_status = _transition(device, Device.Status.RETURNED)
    device.tech_bar = tech_bar
    device.save(update_fields=["status", "tech_bar", "updated_at"])
    loss = loss_close_found(device=device, actor=actor, tech_bar=tech_bar, note=note)
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.FOUND,
        actor=actor,
        holder=loss.holder,
        tech_bar=tech_bar,
        from_status=from_status,
        to_status=device.status,
        note=note.strip()[:500],
        created_at=loss.found_at,
    )
    return loss


def on_device_found(*, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar, note: str) -> None:
    """Custody hook: a lost device handed in at a counter closes its loss report."""
    loss_close_found(device=device, actor=actor, tech_bar=tech_bar, note=note)


def loss_close_found(*, device: Device, actor: User, tech_bar: TechBar, note: str = "") -> DeviceLoss | None:
    """The open loss report of a device that has turned up is closed, and its incident's timeline
    says so. The caller holds the device's lock and moves its status (`device_found`, or the
    counter's `device_return`). Its SIM block and wipe requests not done end as "device found":
    a found device may be reissued, and a wipe sent later would wipe its next holder's phone.
    None when nothing was reported open."""
    remote.remote_actions_end_found(device=device, actor=actor)
    loss = DeviceLoss.objects.select_for_update().filter(device=device, found_at__isnull=True).first()
    if loss is None:
        return None
    loss.found_at, loss.found_by, loss.found_at_tech_bar = timezone.now(), actor, tech_bar
    loss.save(update_fields=["found_at", "found_by", "found_at_tech_bar"])
    if loss.incident_id:
        incident_services.incident_add_timeline_note(
            incident=loss.incident,
            actor=actor,
            text=f"Device {device.asset_tag} turned up and was handed in at {tech_bar}; it is back with the "
            f"Tech Bar for checks." + (f" {note.strip()}" if note.strip() else ""),
        )
    return loss
