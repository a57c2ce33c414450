"""Reserving a device for an approved request, releasing it, cancelling a request."""

from django.db import transaction

from devices.models import Device, DeviceRequest, TechBar
from portal.models import User


@transaction.atomic
def device_request_reserve(*, request: DeviceRequest, device: Device, actor: User, tech_bar: TechBar) -> DeviceRequest:
    raise NotImplementedError


@transaction.atomic
def device_request_release(*, request: DeviceRequest, actor: User | None, why: str) -> DeviceRequest:
    raise NotImplementedError


@transaction.atomic
def device_request_cancel(*, request: DeviceRequest, actor: User | None, why: str) -> DeviceRequest:
    raise NotImplementedError
