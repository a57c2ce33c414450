"""The counter's issue service and requests: a reserved device goes to its requester only."""

from devices.models import Assignment, Device, DeviceRequest
from portal.models import User


def device_request_issue_check(*, device: Device, holder: User) -> DeviceRequest | None:
    """Inside device_issue, with the device locked: the request the device is reserved for (when
    the holder is its requester), None when it is not reserved; RequestError for anyone else."""
    raise NotImplementedError


def device_request_collected(*, request: DeviceRequest, assignment: Assignment, actor: User) -> DeviceRequest:
    raise NotImplementedError
