"""Reserving a device for an approved request, releasing it, cancelling a request."""

from contextlib import nullcontext

from auditlog.context import set_actor
from django.db import IntegrityError, transaction
from django.utils import timezone

from devices.core.models import Device, TechBar
from devices.permissions import can_cancel_device_request, can_reserve
from devices.requests.models import DeviceRequest
from devices.requests.services.common import (
    RequestError,
    arm_steps,
    cancel_steps,
    describe,
    lock_request,
    tell_requester,
    transition,
)
from portal.models import User


def _device_refusal(request: DeviceRequest, device: Device, tech_bar: TechBar) -> str:
    if device.status != Device.Status.IN_STOCK:
        return f"{device.asset_tag} is {device.get_status_display().lower()}, not in stock."
    if device.tech_bar_id != tech_bar.pk:
        where = device.tech_bar or "on its way between Tech Bars"
        return f"{device.asset_tag} is not on the shelf at {tech_bar} ({where})."
    if device.model.retired:
        return f"{device.asset_tag} is a {device.model}, a retired model: it is not issued."
    if device.model.kind != request.kind:
        return f"{device.asset_tag} is a {device.model.get_kind_display().lower()}, not {describe(request)}."
    if request.device_model_id and device.model_id != request.device_model_id:
        return f"{device.asset_tag} is a {device.model}: the request is for {describe(request)}."
    return ""


@transaction.atomic
def device_request_reserve(*, request: DeviceRequest, device: Device, actor: User, tech_bar: TechBar) -> DeviceRequest:
    """Tech Bar staff at the collection Tech Bar set a device in stock there aside for an approved
    request: it becomes ready for collection and the requester is told. Two reserving the same
    device at once: the first wins, the other is refused (RequestError) and nothing changes."""
    if not can_reserve(actor):
        raise RequestError("Only Tech Bar staff reserve devices for requests.")
    request = lock_request(request.pk)
    if request.status != DeviceRequest.Status.APPROVED:
        raise RequestError(
            f"Request {request.pk} is {request.get_status_display().lower()}: only an approved request "
            "has a device reserved for it."
        )
    if tech_bar.pk != request.collect_at_id:
        raise RequestError(f"The device is collected at {request.collect_at}: reserve one there, not at {tech_bar}.")
    # The device's row, locked after the request's: of two Tech Bars reserving it at once, the
    # second waits here and then sees the first one's reservation.
    device = Device.objects.select_for_update(of=("self",)).select_related("model", "tech_bar").get(pk=device.pk)
    refusal = _device_refusal(request, device, tech_bar)
    if refusal:
        raise RequestError(refusal)
    other = DeviceRequest.objects.filter(reserved_device=device).exclude(pk=request.pk).first()
    if other is not None:
        raise RequestError(f"{device.asset_tag} is already reserved for request {other.pk}: choose another device.")
    transition(request, DeviceRequest.Status.READY)
    request.reserved_device, request.reserved_by, request.reserved_at = device, actor, timezone.now()
    try:
        with transaction.atomic(), set_actor(actor):
            request.save()
    except IntegrityError as error:  # the database's unique index: another reservation won the race
        raise RequestError(f"{device.asset_tag} is already reserved for another request: choose another.") from error
    arm_steps(request, "reserved")
    tell_requester(
        request,
        f"Your {request.get_kind_display().lower()} is ready to collect at {request.collect_at}",
        f"{device.model} ({device.asset_tag}) is kept for you at {request.collect_at}"
        + (f", {request.collect_at.location}" if request.collect_at.location else "")
        + ". Bring your warrant or ID card.",
    )
    return request


def _unreserve(request: DeviceRequest) -> Device | None:
    device = request.reserved_device
    request.reserved_device = None
    request.reserved_by = None
    request.reserved_at = None
    return device


@transaction.atomic
def device_request_release(*, request: DeviceRequest, actor: User | None, why: str) -> DeviceRequest:
    """The reserved device goes back to the shelf and the request back to approved (waiting for
    another reservation). `actor` None: the ladder released it (not collected in time)."""
    why = (why or "").strip()
    if actor is not None and not can_reserve(actor):
        raise RequestError("Only Tech Bar staff release a reserved device.")
    if not why:
        raise RequestError("Say why the reservation is released: the requester is told.")
    request = lock_request(request.pk)
    if request.status != DeviceRequest.Status.READY:
        raise RequestError(f"Request {request.pk} is {request.get_status_display().lower()}: nothing is reserved.")
    transition(request, DeviceRequest.Status.APPROVED)
    device = _unreserve(request)
    cancel_steps(request, reason="Reservation released")
    with set_actor(actor) if actor is not None else nullcontext():
        request.save()
    tell_requester(
        request,
        f"The {request.get_kind_display().lower()} kept for you at {request.collect_at} is no longer reserved",
        f"{device.asset_tag} was released: {why} Your request stays approved; you will be told when another is ready.",
    )
    return request


@transaction.atomic
def device_request_cancel(*, request: DeviceRequest, actor: User, why: str) -> DeviceRequest:
    """An open request ends, cancelled, with its reservation (if any) released. Whoever may see
    the request may cancel it; a reason is required."""
    why = (why or "").strip()
    if not why:
        raise RequestError("Say why the request is cancelled.")
    request = lock_request(request.pk)
    if not request.is_open:
        raise RequestError(f"Request {request.pk} is {request.get_status_display().lower()}: it has ended.")
    if not can_cancel_device_request(actor, request):
        raise RequestError("You may not cancel this request.")
    return cancel_locked(request, actor=actor, why=why)


def cancel_locked(request: DeviceRequest, *, actor: User | None, why: str) -> DeviceRequest:
    """Cancel a locked open request (`actor` None: Kitbag itself, e.g. the HR import's leaver case)."""
    transition(request, DeviceRequest.Status.CANCELLED)
    _unreserve(request)
    request.cancelled_by, request.cancelled_at, request.cancelled_why = actor, timezone.now(), why
    cancel_steps(request, reason="Request cancelled")
    with set_actor(actor) if actor is not None else nullcontext():
        request.save()
    if actor is None or actor.pk != request.requester_id:
        by = actor.get_full_name() if actor is not None else "Kitbag"
        tell_requester(request, f"Your request for {describe(request)} was cancelled", f"{by}: {why}")
    return request
