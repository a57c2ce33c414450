"""The counter and requests: issuing a reserved device to its requester completes the request
(and closes the kit gap); it is refused to anyone else, and nothing changes."""

import re

import pytest

from devices.core import services
from devices.counter import services as counter_services
from devices.models import Assignment, Device, DeviceRequest
from devices.requests import services as kit_requests
from devices.requests.selectors.kit import device_requests_open_for, kit_gaps
from devices.requests.services import RequestError
from tests.devices.requests.request_helpers import submit

pytestmark = pytest.mark.django_db
S = DeviceRequest.Status


@pytest.fixture
def ready(member, bar, make_device, laptop_model, tech_bar_staff):
    request = submit(member, kind="laptop", collect_at=bar)
    device = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=request, device=device, actor=tech_bar_staff, tech_bar=bar)
    request.refresh_from_db()
    return request, device


def _visit(person, device, staff, bar):
    return counter_services.counter_visit_confirm(
        person=person,
        actor=staff,
        tech_bar=bar,
        basket=counter_services.CounterBasket(hand_over=[Device(pk=device.pk)]),
    )


def test_the_counter_lists_ready_requests_first(ready, member, bar, tablet_model):
    request, _device = ready
    later = submit(member, kind="tablet", reason="specialist", details="Drones", collect_at=bar)
    assert list(device_requests_open_for(person=member)) == [request, later]


def test_issuing_the_reserved_device_at_the_counter_completes_the_request(ready, member, bar, tech_bar_staff):
    request, device = ready
    assert any(p.pk == member.pk and p.held_laptop == 0 for p in kit_gaps(user=tech_bar_staff))
    visit = _visit(member, device, tech_bar_staff, bar)

    request.refresh_from_db()
    assignment = Assignment.objects.get(device=device, returned_at__isnull=True)
    assert request.status == S.COLLECTED and request.assignment == assignment
    assert assignment.holder == member and visit.events.get().device_id == device.pk
    assert request.reserved_device is None
    assert not request.steps.filter(fired_at__isnull=True, cancelled_at__isnull=True).exists()
    laptop_gap = [p for p in kit_gaps(user=tech_bar_staff, filters={"kind": "laptop"}) if p.pk == member.pk]
    assert laptop_gap == []
    assert list(device_requests_open_for(person=member)) == []


def test_a_reserved_device_is_refused_to_anyone_else(ready, officer, bar, tech_bar_staff, member):
    request, device = ready
    with pytest.raises(
        RequestError, match=f"is reserved for {re.escape(str(member))}.*cannot be issued to anyone else"
    ):
        _visit(officer, device, tech_bar_staff, bar)
    with pytest.raises(RequestError, match="cannot be issued to anyone else"):
        services.device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    device.refresh_from_db()
    request.refresh_from_db()
    assert device.status == Device.Status.IN_STOCK and not device.assignments.exists()
    assert request.status == S.READY and request.reserved_device == device


def test_a_counter_refusal_is_a_device_error_the_counter_already_shows(ready, officer, bar, tech_bar_staff):
    _, device = ready
    with pytest.raises(services.DeviceError):
        _visit(officer, device, tech_bar_staff, bar)


def test_a_device_not_reserved_is_issued_as_before(member, bar, make_device, laptop_model, tech_bar_staff):
    request = submit(member, kind="laptop", collect_at=bar)
    device = make_device(model=laptop_model)
    _visit(member, device, tech_bar_staff, bar)
    request.refresh_from_db()
    # Not reserved, so not this request's device: it stays approved (the Tech Bar cancels it).
    assert request.status == S.APPROVED and request.assignment is None


def test_released_it_may_go_to_someone_else(ready, officer, bar, tech_bar_staff):
    request, device = ready
    kit_requests.device_request_release(request=request, actor=tech_bar_staff, why="Needed elsewhere.")
    _visit(officer, device, tech_bar_staff, bar)
    assert Assignment.objects.get(device=device).holder == officer
