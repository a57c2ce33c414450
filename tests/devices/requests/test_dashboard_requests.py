"""The Devices dashboard's kit request panels (its dashboard panel): open requests by
status and age, kit gaps by command unit, against hand-computed fixtures on the frozen clock
(2026-06-10 09:00 UTC). The Data Office sees counts only, never a request's details."""

import datetime
from datetime import UTC

import pytest
from django.urls import reverse

from devices.core.services import device_issue
from devices.models import DeviceRequest, KitEntitlement
from devices.requests import services as kit_requests
from devices.requests.selectors.kit import kit_gaps, kit_gaps_by_command_unit, open_device_requests_by_status_and_age
from portal.models import Role
from tests.conftest import FIXED_NOW
from tests.devices.requests.request_helpers import submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = FIXED_NOW  # the ages below count back from the suite's clock, not devices' winter one
START, END = datetime.datetime(2026, 4, 1, tzinfo=UTC), datetime.datetime(2026, 7, 1, tzinfo=UTC)
S, A, R = DeviceRequest.Status.SUBMITTED, DeviceRequest.Status.APPROVED, DeviceRequest.Status.READY


def _made(request, when):
    DeviceRequest.objects.filter(pk=request.pk).update(created_at=when)


@pytest.fixture
def requests_made(boss, bar, make_device, laptop_model, tech_bar_staff):
    """Alpha: x (boss's team) and z; Bravo: y. Open: x submitted 1 day ago, y submitted 12 days
    ago, x approved 5 days ago, z ready 40 days ago. Not counted: one collected, one cancelled,
    one submitted before the range."""
    x = UserFactory(command_unit="Alpha", supervisor=boss)
    y = UserFactory(command_unit="Bravo")
    z = UserFactory(command_unit="Alpha")
    _made(
        submit(x, kind="tablet", reason="specialist", details="Maps", collect_at=bar), NOW - datetime.timedelta(days=1)
    )
    _made(submit(y, kind="tablet", reason="other", details="Spare", collect_at=bar), NOW - datetime.timedelta(days=12))
    approved = submit(x, collect_at=bar)
    assert approved.status == A
    _made(approved, NOW - datetime.timedelta(days=5))
    ready = submit(z, collect_at=bar)
    kit_requests.device_request_reserve(
        request=ready, device=make_device(model=laptop_model), actor=tech_bar_staff, tech_bar=bar
    )
    _made(ready, NOW - datetime.timedelta(days=40))
    collected = submit(y, collect_at=bar)
    device = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=collected, device=device, actor=tech_bar_staff, tech_bar=bar)
    device_issue(device=device, holder=y, actor=tech_bar_staff, tech_bar=bar)
    cancelled = submit(z, kind="tablet", reason="other", details="Spare", collect_at=bar)
    kit_requests.device_request_cancel(request=cancelled, actor=z, why="No longer needed")
    _made(
        submit(UserFactory(command_unit="Bravo"), kind="tablet", reason="other", details="Old", collect_at=bar),
        datetime.datetime(2026, 3, 1, tzinfo=UTC),
    )
    return {"x": x, "y": y, "z": z}


def _nonzero(counts):
    return {(status, band): n for status, bands in counts.items() for band, n in bands.items() if n}


def test_open_requests_by_status_and_age(requests_made, boss):
    everyone = open_device_requests_by_status_and_age(start=START, end=END)
    assert _nonzero(everyone) == {
        (S, "Under 3 days"): 1,
        (S, "10 to 30 days"): 1,
        (A, "3 to 10 days"): 1,
        (R, "30 days or more"): 1,
    }
    assert set(everyone) == {S, A, R}  # every open status, even at nought
    assert _nonzero(open_device_requests_by_status_and_age(start=START, end=END, unit="Bravo")) == {
        (S, "10 to 30 days"): 1
    }
    assert _nonzero(open_device_requests_by_status_and_age(start=START, end=END, supervisor=boss)) == {
        (S, "Under 3 days"): 1,
        (A, "3 to 10 days"): 1,
    }
    march = datetime.datetime(2026, 3, 1, tzinfo=UTC)
    assert _nonzero(open_device_requests_by_status_and_age(start=march, end=START)) == {(S, "30 days or more"): 1}


@pytest.fixture
def gaps(boss, make_device, laptop_model, phone_model, tech_bar_staff, bar):
    """Officers hold a laptop and a smartphone. Alpha: a (both: no gap), b (phone only); Bravo:
    c (nothing); no unit: d (laptop only); not counted: e (left), f (inactive), g (no Officer role)."""
    KitEntitlement.objects.all().delete()
    KitEntitlement.objects.create(role=Role.OFFICER, kind="laptop", quantity=1)
    KitEntitlement.objects.create(role=Role.OFFICER, kind="smartphone", quantity=1)
    a = UserFactory(command_unit="Alpha", supervisor=boss)
    b = UserFactory(command_unit="Alpha", supervisor=boss)
    c = UserFactory(command_unit="Bravo")
    d = UserFactory(command_unit="")
    UserFactory(command_unit="Alpha", leaving_date=datetime.date(2026, 6, 1))
    UserFactory(command_unit="Alpha", is_active=False)
    UserFactory(command_unit="Alpha", roles=[Role.DATA_OFFICE])
    for holder, model in ((a, laptop_model), (a, phone_model), (b, phone_model), (d, laptop_model)):
        device_issue(device=make_device(model=model), holder=holder, actor=tech_bar_staff, tech_bar=bar)
    return {"a": a, "b": b, "c": c, "d": d}


def test_kit_gaps_by_command_unit(gaps, boss, tech_bar_staff, django_assert_num_queries):
    with django_assert_num_queries(2):  # the entitlements, then the counts
        alpha = kit_gaps_by_command_unit(unit="Alpha")
    assert alpha == [("Alpha", {"people": 1, "laptop": 1, "smartphone": 0})]
    assert kit_gaps_by_command_unit(unit="Bravo") == [("Bravo", {"people": 1, "laptop": 1, "smartphone": 1})]
    assert kit_gaps_by_command_unit(supervisor=boss) == [("Alpha", {"people": 1, "laptop": 1, "smartphone": 0})]
    everyone = dict(kit_gaps_by_command_unit())
    assert everyone[""] == {"people": 1, "laptop": 0, "smartphone": 1}
    assert list(everyone)[-1] == ""  # none recorded comes last
    # the same people as the kit gaps list counts
    assert sum(counts["people"] for counts in everyone.values()) == kit_gaps(user=tech_bar_staff).count()


def test_no_entitlements_no_gaps(gaps):
    KitEntitlement.objects.all().delete()
    assert kit_gaps_by_command_unit() == []


def _panel(response, panel_id):
    return next(panel for panel, _ in response.context["panels"] if panel.id == panel_id)


def test_the_devices_dashboard_shows_both_panels_counts_only(client_as, requests_made, gaps):
    client = client_as("data_office")
    url = reverse("portal:dashboard", args=["devices"])
    response = client.get(url, {"unit": "Bravo", "date_from": "2026-04-01", "date_to": "2026-06-30"})
    assert response.status_code == 200
    requests_panel = _panel(response, "devices-requests")
    rows = {row.header: row.cells for row in requests_panel.chart.table.rows}
    assert rows["Waiting for approval"][:4] == ["0", "0", "1", "0"]
    assert rows["All"][:4] == ["0", "0", "1", "0"]
    gaps_panel = _panel(response, "devices-kit-gaps")
    assert [(row.header, row.cells[0]) for row in gaps_panel.chart.table.rows] == [
        ("All", "3"),
        ("Bravo", "3"),
    ]  # c; y (a laptop, no phone); the March requester (nothing)
    assert "command_unit=Bravo" in gaps_panel.list_url
    links = {panel.id: link for panel, link in response.context["panels"]}
    assert links["devices-requests"] is False  # the Data Office may not open the requests themselves
    assert links["devices-kit-gaps"] is True
    body = response.content.decode()
    assert "Spare" not in body and "Maps" not in body  # no request's details
    csv = client.get(
        url, {"unit": "Bravo", "date_from": "2026-04-01", "date_to": "2026-06-30", "export": "devices-requests"}
    )
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Status,Under 3 days")
    assert "Waiting for approval,0,0,1,0" in lines


def test_a_portal_admin_gets_the_link_to_the_requests(client_as, requests_made):
    response = client_as("portal_admin").get(reverse("portal:dashboard", args=["devices"]))
    links = {panel.id: link for panel, link in response.context["panels"]}
    assert links["devices-requests"] is True
