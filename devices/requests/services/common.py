"""What the request services share: the error, the state machine, locks, the ladder's steps,
and telling people."""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from devices.core.services import DeviceError
from devices.requests import ladder as request_ladder
from devices.requests.models import DeviceRequest, DeviceRequestStep
from portal import timers
from portal.models import Role, User
from portal.services import notify
from portal.transitions import transition as portal_transition


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
    return portal_transition(request, to=to_status, refuse=_cannot_become)


def _cannot_become(request: DeviceRequest, to_status: str) -> RequestError:
    return RequestError(
        f"Request {request.pk} is {request.get_status_display().lower()}: it cannot become "
        f"{DeviceRequest.Status(to_status).label.lower()}."
    )


def lock_request(pk: int) -> DeviceRequest:
    """The request row, locked: every service that changes a request, and the timer sweep firing
    its steps, takes this lock first (a device's lock, where one is needed, after it; the counter,
    which holds the device's lock already, locks only the request the device is reserved for)."""
    return (
        DeviceRequest.objects.select_for_update(of=("self",))
        .select_related("requester__supervisor", "submitted_by", "device_model", "collect_at")
        .get(pk=pk)
    )


def request_url(request: DeviceRequest) -> str:
    """The request's page, for notifications (built by the request pages; empty until they exist)."""
    try:
        return reverse("devices:device_request", args=[request.pk])
    except NoReverseMatch:
        return ""


def describe(request: DeviceRequest) -> str:
    """ "a laptop", "a Dell Latitude 5450" """
    if request.device_model_id:
        return f"a {request.device_model}"
    return f"a {request.get_kind_display().lower()}"


def tell(person: User | None, request: DeviceRequest, subject: str, body: str = "", *, cause=None) -> None:
    if person is not None and person.is_active:
        notify(recipient=person, subject=subject, body=body, url=request_url(request), cause=cause)


def tell_requester(request: DeviceRequest, subject: str, body: str = "", *, cause=None) -> None:
    """The requester, and whoever asked for them if that was someone else (their supervisor)."""
    tell(request.requester, request, subject, body, cause=cause)
    if request.submitted_by_id != request.requester_id:
        tell(request.submitted_by, request, subject, body, cause=cause)


def portal_admins(*, exclude: list[int]) -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.PORTAL_ADMIN) | Q(is_superuser=True))
        .exclude(pk__in=exclude)
        .distinct()
        .order_by("pk")
    )


def approvers(request: DeviceRequest) -> list[User]:
    """Whom the request waits for: the requester's supervisor for the first step (the Portal
    admins when they have none), the Portal admins for the second. Never the requester."""
    mine = [request.requester_id, request.submitted_by_id]
    if request.supervisor_decision_at is None:
        supervisor = request.requester.supervisor
        if supervisor is not None and supervisor.is_active and supervisor.pk not in mine:
            return [supervisor]
        return portal_admins(exclude=mine)
    return portal_admins(exclude=[*mine, request.supervisor_decision_by_id])


# --- The ladder's steps -------------------------------------------------------------------------
def arm_steps(request: DeviceRequest, start: str) -> None:
    """Store the rungs that start now ("waiting" or "reserved") as new steps: "<rung>.<round>",
    the round counting how often the request has reached this stage."""
    now = timezone.now()
    existing = set(DeviceRequestStep.objects.filter(request=request).values_list("step", flat=True))
    rows = []
    for r in request_ladder.rungs_after(start):
        n = 1
        while f"{r.step}.{n}" in existing:
            n += 1
        rows.append(DeviceRequestStep(request=request, step=f"{r.step}.{n}", due_at=request_ladder.due_at(now, r)))
    DeviceRequestStep.objects.bulk_create(rows)


def cancel_steps(request: DeviceRequest, *, reason: str) -> int:
    """Cancel the request's pending steps (the caller holds the request's lock)."""
    return timers.cancel(request.steps.all(), reason=reason)
