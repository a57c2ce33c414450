"""Asking for a device."""

from django.db import transaction

from devices.kit_requests.common import RequestError  # noqa: F401
from devices.models import DeviceModel, DeviceRequest, TechBar
from portal.models import User


@transaction.atomic
def device_request_submit(
    *,
    requester: User,
    submitted_by: User,
    kind: str,
    device_model: DeviceModel | None = None,
    reason: str,
    details: str,
    collect_at: TechBar,
) -> DeviceRequest:
    """A request by `submitted_by` (the requester or their supervisor) for `requester`. A retired
    or unknown model is refused (RequestError); standard kit within the entitlement is approved
    at once, anything else waits for the supervisor (and a Portal admin for approval-required models)."""
    raise NotImplementedError
