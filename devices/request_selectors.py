"""Reads of kit entitlements and requests: kit gaps, the requests a user may see."""

from collections.abc import Mapping

from django.db.models import QuerySet

from devices.models import DeviceRequest
from portal.models import User


def kit_gaps(*, user: User, filters: Mapping | None = None) -> QuerySet[User]:
    """People who lack part of their standard kit, visible to `user`, annotated per kind."""
    raise NotImplementedError


def device_requests_visible_to(*, user: User) -> QuerySet[DeviceRequest]:
    raise NotImplementedError


def device_request_for_user(*, user: User, pk: int) -> DeviceRequest:
    """The request, or Http404 when it does not exist or `user` may not see it."""
    raise NotImplementedError


def device_requests_open_for(*, person: User) -> QuerySet[DeviceRequest]:
    raise NotImplementedError
