"""A leaver case opening cancels the person's open requests (called by devices.leavers.services)."""

from devices.requests.models import DeviceRequest
from devices.requests.services.common import lock_request
from devices.requests.services.reserve import cancel_locked
from portal.models import User


def device_requests_cancel_for_leaver(*, person: User, actor: User | None, reason: str) -> int:
    """Cancel every open request of `person` (their reservations released), in the name of whoever
    opened the case (None: the HR import); how many. Called inside the case's transaction."""
    count = 0
    for pk in DeviceRequest.objects.filter(requester=person, status__in=DeviceRequest.OPEN_STATUSES).order_by("pk"):
        request = lock_request(pk.pk)
        if request.is_open:
            cancel_locked(request, actor=actor, why=reason)
            count += 1
    return count
