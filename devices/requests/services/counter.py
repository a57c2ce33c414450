"""The counter's issue service and requests: a reserved device goes to its requester only, and
handing it over completes the request."""

from devices.core.models import Assignment, Device, TechBar
from devices.requests.models import DeviceRequest
from devices.requests.services.common import RequestError, cancel_steps, lock_request, transition
from portal.models import User


def device_request_issue_check(*, device: Device, holder: User) -> DeviceRequest | None:
    """Inside device_issue, with the device locked: the request the device is reserved for, locked
    (None when it is reserved for nobody). Issuing it to anyone but the requester is refused."""
    reserved_for = DeviceRequest.objects.filter(reserved_device=device).values_list("pk", flat=True).first()
    if reserved_for is None:
        return None
    request = lock_request(reserved_for)
    if request.requester_id != holder.pk:
        raise RequestError(
            f"{device.asset_tag} is reserved for {request.requester} (request {request.pk}): "
            "it cannot be issued to anyone else. Choose another device, or release the reservation first."
        )
    return request


def device_request_on_issued(
    *, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar, holder_locked: bool = False
) -> None:
    """Custody hook, inside device_issue with the device locked: a device reserved for someone
    else is refused (rolling the issue back); one reserved for its new holder is collected."""
    request = device_request_issue_check(device=device, holder=assignment.holder)
    if request is not None:
        device_request_collected(request=request, assignment=assignment, actor=actor)


def device_request_collected(*, request: DeviceRequest, assignment: Assignment, actor: User) -> DeviceRequest:
    """The reserved device was handed over (called by device_issue in its transaction): the
    request is collected, with the assignment that records the issue."""
    transition(request, DeviceRequest.Status.COLLECTED)
    request.reserved_device = None
    request.assignment = assignment
    cancel_steps(request, reason="Collected")
    request.save(update_fields=["status", "reserved_device", "assignment", "updated_at"])
    return request
