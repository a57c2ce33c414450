"""Remote actions (SIM block, remote wipe): every change of their state, each with a custody event.

requested -> sent -> done, or failed at any point before done; a failed one may be asked again.
When the device turns up, whatever is not done ends as "device found" (`remote_actions_end_found`,
called by the one found service), so nothing wipes it once it is reissued.
Sending happens after commit in a Celery task (`devices.tasks`), through the MDM adapter that
`KITBAG_MDM_ADAPTER` names (`devices.losses.mdm`); the MDM reports back through the API
(`remote_action_report`).
"""

from datetime import timedelta

from auditlog.context import set_actor
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from devices.core.models import Assignment, Device, DeviceEvent, TechBar
from devices.core.services import DeviceError
from devices.losses import mdm
from devices.losses.models import DeviceLoss, RemoteAction
from incidents import services as incident_services
from portal.models import User
from portal.transitions import transition

LOST_STATUSES = (Device.Status.LOST, Device.Status.STOLEN)


def _needs_sim_block(device: Device) -> bool:
    return bool(device.sim_iccid or device.phone_number)


def _needs_wipe(device: Device) -> bool:
    return bool(device.mdm_enrolment_id)


# The task keeps its name in devices.tasks (queued messages and the beat schedule use it).
@shared_task(name="devices.tasks.send_remote_action", ignore_result=True)
def send_remote_action(action_id: int) -> None:
    """Queued after the commit that requested the action."""
    action = RemoteAction.objects.filter(pk=action_id).first()
    if action is not None:
        remote_action_send(action=action)


def _send_after_commit(action: RemoteAction) -> None:
    transaction.on_commit(lambda: send_remote_action.delay(action.pk))


def _event(action: RemoteAction, actor: User, text: str) -> None:
    DeviceEvent.objects.create(
        device=action.device,
        kind=DeviceEvent.Kind.REMOTE_ACTION,
        actor=actor,
        from_status=action.device.status,
        to_status=action.device.status,
        note=f"{action.get_kind_display()}: {text}"[:500],
    )


def _move(action: RemoteAction, to_status: str) -> None:
    transition(action, to=to_status, refuse=_cannot_mark)


def _cannot_mark(action: RemoteAction, to_status: str) -> DeviceError:
    wanted = RemoteAction.Status(to_status).label.lower()
    return DeviceError(
        f"The {action.get_kind_display().lower()} for {action.device.asset_tag} is "
        f"{action.get_status_display().lower()}; it cannot be marked {wanted}."
    )


def _locked(action: RemoteAction) -> RemoteAction:
    return (
        RemoteAction.objects.select_for_update(of=("self",))
        .select_related("device__model", "incident")
        .get(pk=action.pk)
    )


def _request(*, device: Device, actor: User, why: str, loss: DeviceLoss | None = None) -> list[RemoteAction]:
    kinds = ((RemoteAction.Kind.SIM_BLOCK, _needs_sim_block), (RemoteAction.Kind.WIPE, _needs_wipe))
    under_way = set(
        RemoteAction.objects.filter(device=device, status__in=RemoteAction.OPEN).values_list("kind", flat=True)
    )
    actions = []
    for kind, needed in kinds:
        if not needed(device) or kind in under_way:
            continue
        action = RemoteAction.objects.create(
            device=device, kind=kind, loss=loss, incident=loss.incident if loss else None, requested_by=actor
        )
        _event(action, actor, f"requested {why}")
        _send_after_commit(action)
        actions.append(action)
    return actions


def remote_actions_request_for_loss(*, loss: DeviceLoss, actor: User) -> list[RemoteAction]:
    """Called inside `device_report_lost`'s transaction: what a lost or stolen device needs."""
    return _request(
        device=loss.device, actor=actor, loss=loss, why=f"after the {loss.get_kind_display().lower()} report."
    )


def remote_actions_request_for_write_off(*, device: Device, actor: User, reason: str) -> list[RemoteAction]:
    """Called inside a leaver line's write-off: a device that will not come back is blocked and
    wiped like a lost one (it stays issued to the leaver, so "ask again" stays open for it)."""
    return _request(device=device, actor=actor, why=f"as it was written off: {reason.strip()}")


@transaction.atomic
def remote_action_send(*, action: RemoteAction) -> RemoteAction:
    """Hand a requested action to the MDM adapter. Anything else is left as it is, so a task
    delivered twice sends once. The row stays locked while the adapter works for the same reason."""
    action = _locked(action)
    if action.status != RemoteAction.Status.REQUESTED:
        return action
    adapter = mdm.get_adapter()
    action.attempts += 1
    try:
        outcome = adapter.send(action)
    except mdm.MDMError as error:
        _move(action, RemoteAction.Status.FAILED)
        action.failure_reason = str(error)[:500]
        action.adapter = adapter.label
        action.save(update_fields=["status", "failure_reason", "adapter", "attempts"])
        _event(action, action.requested_by, f"{adapter.label} could not send it: {error}")
        return action
    _move(action, RemoteAction.Status.SENT)
    action.sent_at = timezone.now()
    action.adapter = adapter.label
    action.external_id = outcome.external_id[:200]
    action.save(update_fields=["status", "sent_at", "adapter", "external_id", "attempts"])
    _event(action, action.requested_by, outcome.note or f"sent to {adapter.label}.")
    return action


@transaction.atomic
def remote_action_complete(*, action: RemoteAction, actor: User, note: str = "") -> RemoteAction:
    """Tech Bar staff confirm it is done (the network blocked the SIM; the MDM reports the wipe)."""
    action = _locked(action)
    _move(action, RemoteAction.Status.DONE)
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.save(update_fields=["status", "completed_at", "completed_by"])
    _event(action, actor, f"done, confirmed by {actor.get_full_name()}. {note}".strip())
    if action.incident_id:
        incident_services.incident_add_timeline_note(
            incident=action.incident,
            actor=actor,
            text=f"{action.get_kind_display()} of device {action.device.asset_tag} done.",
        )
    return action


@transaction.atomic
def remote_action_fail(*, action: RemoteAction, actor: User, reason: str) -> RemoteAction:
    """It could not be done: say why, so someone can ask again or act another way."""
    reason = (reason or "").strip()
    if not reason:
        raise DeviceError("Say why it failed.")
    action = _locked(action)
    _move(action, RemoteAction.Status.FAILED)
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.failure_reason = reason[:500]
    action.save(update_fields=["status", "completed_at", "completed_by", "failure_reason"])
    _event(action, actor, f"failed: {reason}")
    return action


@transaction.atomic
def remote_action_retry(*, action: RemoteAction, actor: User) -> RemoteAction:
    """Ask again for one that failed: it is sent afresh after commit, only while the device is
    still lost or stolen (a found device may be with someone else by now)."""
    action = _locked(action)
    _move(action, RemoteAction.Status.REQUESTED)
    written_off = action.loss_id is None and action.device.status == Device.Status.ISSUED
    if action.device.status not in LOST_STATUSES and not written_off:
        raise DeviceError(
            f"{action.device.asset_tag} is no longer lost or stolen (it is "
            f"{action.device.get_status_display().lower()}): its {action.get_kind_display().lower()} "
            "is not asked again."
        )
    if RemoteAction.objects.filter(device=action.device, kind=action.kind, status__in=RemoteAction.OPEN).exists():
        raise DeviceError(f"A newer {action.get_kind_display().lower()} for {action.device.asset_tag} is under way.")
    action.completed_at, action.completed_by, action.failure_reason, action.sent_at = None, None, "", None
    action.save(update_fields=["status", "completed_at", "completed_by", "failure_reason", "sent_at"])
    _event(action, actor, f"asked again by {actor.get_full_name()}.")
    _send_after_commit(action)
    return action


@transaction.atomic
def remote_action_end_found(*, action: RemoteAction, actor: User) -> RemoteAction:
    """The device turned up: this action, not done yet, is no longer wanted."""
    action = _locked(action)
    _move(action, RemoteAction.Status.FOUND)
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.save(update_fields=["status", "completed_at", "completed_by"])
    _event(action, actor, "ended, device found.")
    return action


def on_device_returned(*, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar) -> None:
    """Custody hook: a device written off (its SIM block and wipe asked for) that comes back
    after all ends those actions as "device found"."""
    remote_actions_end_found(device=device, actor=actor)


def remote_actions_end_found(*, device: Device, actor: User) -> list[RemoteAction]:
    """Called inside the found service's transaction: every action of the device that is not done
    (requested, sent or failed) ends as "device found"."""
    pending = RemoteAction.objects.filter(device=device, status__in=[*RemoteAction.OPEN, RemoteAction.Status.FAILED])
    return [remote_action_end_found(action=action, actor=actor) for action in pending.order_by("pk")]


def remote_actions_send_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Send every action still only requested a while after it was asked for: its task was lost."""
    cutoff = timezone.now() - older_than
    pending = RemoteAction.objects.filter(status=RemoteAction.Status.REQUESTED, requested_at__lte=cutoff)
    sent = 0
    for action in pending.order_by("pk"):
        sent += remote_action_send(action=action).status != RemoteAction.Status.REQUESTED
    return sent


# --- the MDM reports a remote action carried out ------------------------------------------------------
class NothingToReport(Exception):
    """No open request of that kind for the device (and none done either)."""


def remote_action_report(*, device: Device, kind: str, outcome: str, note: str, actor: User):
    """The MDM says a wipe or SIM block it was asked for is done (or failed): the open request ends
    as when Tech Bar staff mark it. Reporting "done" again is harmless: the request already done is
    answered, unchanged. Returns (the action, whether it changed)."""
    actions = RemoteAction.objects.filter(device=device, kind=kind)
    action = actions.filter(status__in=RemoteAction.OPEN).order_by("-requested_at", "-pk").first()
    if action is None:
        done = actions.filter(status=RemoteAction.Status.DONE).order_by("-completed_at", "-pk").first()
        if outcome == RemoteAction.Status.DONE and done is not None:
            return done, False
        raise NothingToReport(f"No {RemoteAction.Kind(kind).label.lower()} is waiting for {device.asset_tag}.")
    with set_actor(actor):
        if outcome == RemoteAction.Status.DONE:
            return remote_action_complete(action=action, actor=actor, note=note), True
        return remote_action_fail(action=action, actor=actor, reason=note), True
