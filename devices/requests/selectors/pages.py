"""Reads for the kit request pages: a person's requests, the approvers' and Tech Bars' queues, the
devices a Tech Bar may reserve, a request's timeline, and what the counter shows first."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from devices.core.models import Device, TechBar
from devices.core.selectors import with_opening_hours
from devices.requests.models import DeviceRequest
from devices.requests.selectors.kit import device_requests_open_for


def _with_people(requests: QuerySet[DeviceRequest]) -> QuerySet[DeviceRequest]:
    return requests.select_related(
        "requester", "submitted_by", "device_model", "collect_at", "reserved_device__model", "assignment__device"
    )


def device_requests_of(*, user) -> QuerySet[DeviceRequest]:
    """My requests: those for me and those I made for my team, newest first."""
    return _with_people(DeviceRequest.objects.filter(Q(requester=user) | Q(submitted_by=user))).order_by(
        "-created_at", "-pk"
    )


def tech_bars_for_queue(*, user) -> QuerySet[TechBar]:
    """The Tech Bars whose requests a staff member sees first: where they work, else every open one."""
    bars = TechBar.objects.filter(is_active=True)
    worked = bars.filter(staff=user)
    return worked if worked.exists() else bars


def device_requests_at_tech_bars(*, tech_bars) -> QuerySet[DeviceRequest]:
    """Approved requests waiting for a device, then those with one reserved, oldest first."""
    return _with_people(
        DeviceRequest.objects.filter(
            collect_at__in=tech_bars, status__in=[DeviceRequest.Status.APPROVED, DeviceRequest.Status.READY]
        )
    ).order_by("status", "created_at", "pk")


def reservable_devices_for(*, request: DeviceRequest, limit: int | None = None) -> QuerySet[Device]:
    """In-stock devices at the collection Tech Bar of the model (or kind) asked for, not retired and
    not reserved for another request: the first `limit` of them by make and asset tag (a Tech Bar
    with hundreds in stock offers a short list; any other is scanned)."""
    devices = Device.objects.filter(
        status=Device.Status.IN_STOCK, tech_bar_id=request.collect_at_id, model__retired=False
    ).select_related("model")
    if request.device_model_id:
        devices = devices.filter(model_id=request.device_model_id)
    else:
        devices = devices.filter(model__kind=request.kind)
    devices = devices.filter(reserved_for__isnull=True).order_by("model__make", "asset_tag")
    if limit is not None:
        devices = devices.filter(pk__in=list(devices.values_list("pk", flat=True)[:limit]))
    return devices


def collection_bar(request: DeviceRequest) -> TechBar:
    """The collection Tech Bar with its opening hours."""
    return with_opening_hours(TechBar.objects.filter(pk=request.collect_at_id)).get()


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    what: str
    who: object = None
    why: str = ""


def request_timeline(request: DeviceRequest) -> list[TimelineEntry]:
    """Where a request stands, as the events recorded on it, oldest first."""
    entries = [
        TimelineEntry(
            request.created_at,
            "Requested" if request.submitted_by_id == request.requester_id else "Requested by their supervisor",
            request.submitted_by,
            "",
        )
    ]
    if request.supervisor_decision_at:
        entries.append(
            TimelineEntry(
                request.supervisor_decision_at,
                _decision_words(request, "supervisor"),
                request.supervisor_decision_by,
                request.supervisor_decision_why,
            )
        )
    if request.admin_decision_at:
        entries.append(
            TimelineEntry(
                request.admin_decision_at,
                _decision_words(request, "admin"),
                request.admin_decision_by,
                request.admin_decision_why,
            )
        )
    if request.reserved_at and request.reserved_device_id:
        entries.append(
            TimelineEntry(
                request.reserved_at,
                f"{request.reserved_device.asset_tag} reserved at {request.collect_at}",
                request.reserved_by,
            )
        )
    if request.assignment_id:
        assignment = request.assignment
        entries.append(
            TimelineEntry(assignment.issued_at, f"Collected: {assignment.device.asset_tag}", assignment.issued_by)
        )
    if request.cancelled_at:
        entries.append(TimelineEntry(request.cancelled_at, "Cancelled", request.cancelled_by, request.cancelled_why))
    return sorted(entries, key=lambda entry: entry.at)


def _decision_words(request: DeviceRequest, step: str) -> str:
    who = "Supervisor" if step == "supervisor" else "Portal admin"
    refused = request.status == DeviceRequest.Status.REFUSED and _last_step(request) == step
    return f"{who}: {'refused' if refused else 'approved'}"


def _last_step(request: DeviceRequest) -> str:
    return "admin" if request.admin_decision_at else "supervisor"


def counter_request_context(*, person) -> dict:
    """What the counter shows first for a person: their open requests, and the devices reserved."""
    open_requests = list(device_requests_open_for(person=person))
    return {
        "open_requests": open_requests,
        "reserved_requests": [r for r in open_requests if r.reserved_device_id],
    }
