"""What the request services share: the error, the state machine check, locks and the page URL."""

from django.urls import NoReverseMatch, reverse

from devices.models import DeviceRequest
from devices.services import DeviceError


class RequestError(DeviceError):
    """A request service refused: `message` says why, in words for the page. A `DeviceError`, so
    the counter shows it like any other refusal of a custody change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


def transition(request: DeviceRequest, to_status: str) -> str:
    """Move a (locked) request along one edge of `DeviceRequest.TRANSITIONS`, or refuse."""
    from_status = request.status
    if to_status not in DeviceRequest.TRANSITIONS[DeviceRequest.Status(from_status)]:
        raise RequestError(
            f"Request {request.pk} is {request.get_status_display().lower()}: it cannot become "
            f"{DeviceRequest.Status(to_status).label.lower()}."
        )
    request.status = to_status
    return from_status


def lock_request(pk: int) -> DeviceRequest:
    """The request row, locked: every service that changes a request, and the timer sweep firing
    its steps, takes this lock first (a device's lock, where one is needed, after it)."""
    return (
        DeviceRequest.objects.select_for_update(of=("self",))
        .select_related("requester__supervisor", "device_model", "collect_at")
        .get(pk=pk)
    )


def request_url(request: DeviceRequest) -> str:
    """The request's page, for notifications (built by the request pages; empty until they exist)."""
    try:
        return reverse("devices:device_request", args=[request.pk])
    except NoReverseMatch:
        return ""
