"""Approving or refusing a request: the supervisor's step, then a Portal admin's where needed."""

from django.db import transaction

from devices.models import DeviceRequest
from portal.models import User


@transaction.atomic
def device_request_decide(*, request: DeviceRequest, actor: User, approve: bool, why: str) -> DeviceRequest:
    raise NotImplementedError
