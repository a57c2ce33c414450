"""Carrying out a request's reminders and the release after the reservation runs out
(registered with portal.timers; the ladder is devices.requests.ladder)."""

import logging

from django.utils.formats import date_format

from devices.requests import ladder as request_ladder
from devices.requests.models import DeviceRequest, DeviceRequestStep
from devices.requests.services.common import approvers, describe, tell, tell_requester
from devices.requests.services.reserve import device_request_release
from portal import timers

logger = logging.getLogger(__name__)


def device_request_step_fire(step: DeviceRequestStep) -> None:
    """Carry out one fired step (called by portal.timers inside the firing transaction, with the
    request locked). A request that has moved on since is left alone."""
    request = timers.step_owner(
        step, DeviceRequest.objects.select_related("requester__supervisor", "device_model", "collect_at")
    )
    rung = request_ladder.rung(step.step)
    if rung is None:
        logger.warning("request step %s of request %s is not in the ladder; nothing sent", step.step, request.pk)
        return
    for action in rung.actions:
        request_ladder.ACTIONS.run(action, request, step)


def _since(moment) -> str:
    return date_format(moment.astimezone(request_ladder.zone()), "j F Y")


@request_ladder.ACTIONS.action("remind_approver", "remind the approver the request waits for")
def _remind_approver(request: DeviceRequest, step: DeviceRequestStep) -> None:
    if request.status != DeviceRequest.Status.SUBMITTED:
        return
    waiting_since = request.supervisor_decision_at or request.created_at
    for approver in approvers(request):
        tell(
            approver,
            request,
            f"Reminder: a request for {describe(request)} for {request.requester.get_full_name()} "
            "waits for your approval",
            f"Waiting since {_since(waiting_since)}. Reason: {request.get_reason_display()}."
            + (f"\n{request.details}" if request.details else ""),
            cause=step,
        )


@request_ladder.ACTIONS.action("remind_requester", "remind the requester their device is ready for collection")
def _remind_requester(request: DeviceRequest, step: DeviceRequestStep) -> None:
    if request.status != DeviceRequest.Status.READY:
        return
    tell_requester(
        request,
        f"Reminder: your {request.get_kind_display().lower()} is waiting at {request.collect_at}",
        f"It has been kept for you since {_since(request.reserved_at)}. Collect it soon, or it goes back "
        "to stock and is offered to someone else.",
        cause=step,
    )


@request_ladder.ACTIONS.action("release_reservation", "release the reserved device and tell the requester")
def _release_reservation(request: DeviceRequest, step: DeviceRequestStep) -> None:
    if request.status != DeviceRequest.Status.READY:
        return
    device_request_release(
        request=request,
        actor=None,
        why=f"It was not collected since it was reserved on {_since(request.reserved_at)}.",
    )
