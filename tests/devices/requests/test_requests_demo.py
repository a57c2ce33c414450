"""The issue's "Done when" walk on `make run`'s demo data, through the services the pages call:
OFF002 (a phone, no laptop) is in the kit gaps, asks for a particular laptop, SUP001 approves,
TB001 reserves one at the North Hub Tech Bar (where the demo keeps that model) and issues it
at the counter there: the gap is gone and the request collected."""

import io

import pytest
from django.core.management import call_command

from devices.counter import services
from devices.models import Device, DeviceModel, DeviceRequest, TechBar
from devices.requests import services as kit_requests
from devices.requests.selectors.kit import device_requests_open_for, gaps_of, kit_gaps
from portal.models import Notification, User

pytestmark = pytest.mark.django_db


def test_the_kit_request_walk_on_the_demo_data():
    call_command("seed_demo", stdout=io.StringIO())
    officer, sergeant, tb001 = (User.objects.get(payroll_number=p) for p in ("OFF002", "SUP001", "TB001"))
    north = TechBar.objects.get(code="north")
    assert officer.supervisor == sergeant

    def laptop_gap(viewer):
        return [
            [g.kind for g in gaps_of(p)]
            for p in kit_gaps(user=viewer, filters={"kind": "laptop"})
            if p.pk == officer.pk
        ]

    assert laptop_gap(tb001) == [["laptop"]] and laptop_gap(sergeant) == [["laptop"]]

    surface = DeviceModel.objects.get(make="Microsoft", model_name="Surface Laptop 6")
    request = kit_requests.device_request_submit(
        requester=officer,
        submitted_by=officer,
        kind="laptop",
        device_model=surface,
        reason=DeviceRequest.Reason.NEW_STARTER,
        details="Started in Response 1 this month.",
        collect_at=north,
    )
    assert request.status == DeviceRequest.Status.SUBMITTED
    kit_requests.device_request_decide(request=request, actor=sergeant, approve=True, why="New starter")

    device = Device.objects.filter(status="in_stock", tech_bar=north, model=surface).order_by("asset_tag").first()
    kit_requests.device_request_reserve(request=request, device=device, actor=tb001, tech_bar=north)
    assert Notification.objects.filter(recipient=officer, subject__contains="ready to collect").exists()
    assert list(device_requests_open_for(person=officer)) == [request]

    services.counter_visit_confirm(
        person=officer, actor=tb001, tech_bar=north, basket=services.CounterBasket(hand_over=[device])
    )
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.COLLECTED and request.assignment.device == device
    assert laptop_gap(tb001) == [] and laptop_gap(sergeant) == []
