"""The `read` scope: devices (filtered, paginated), assignments and compliance per person, each
page at a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devices.models import Device
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(api_as):
    client = api_as("read")
    client.get("/api/v1/policies/")  # its first use is recorded (one write a minute): not in the counts
    return client


def _queries(client, url, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def test_devices_with_their_holder(reader, held_phone, officer, make_device):
    make_device()
    body = reader.get("/api/v1/devices/").json()
    assert body["count"] == 2
    phone = next(d for d in body["results"] if d["asset_tag"] == held_phone.asset_tag)
    assert phone["status"] == "issued" and phone["tech_bar"] is None and phone["imei"] == held_phone.imei
    assert phone["holder"] == {
        "payroll_number": officer.payroll_number,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "command_unit": officer.command_unit,
    }
    other = next(d for d in body["results"] if d["asset_tag"] != held_phone.asset_tag)
    assert other["holder"] is None and other["status"] == "in_stock" and other["tech_bar"] == "hq"
    detail = reader.get(f"/api/v1/devices/{held_phone.asset_tag}/")
    assert detail.json()["asset_tag"] == held_phone.asset_tag
    assert reader.get("/api/v1/devices/NOPE/").status_code == 404


def test_devices_filtered_as_on_the_device_list(reader, held_phone, make_device, laptop_model):
    make_device()
    laptop = make_device(model=laptop_model)
    assert [d["asset_tag"] for d in reader.get("/api/v1/devices/", {"status": "issued"}).json()["results"]] == [
        held_phone.asset_tag
    ]
    assert [d["asset_tag"] for d in reader.get("/api/v1/devices/", {"kind": "laptop"}).json()["results"]] == [
        laptop.asset_tag
    ]
    found = reader.get("/api/v1/devices/", {"q": held_phone.imei}).json()["results"]
    assert [d["asset_tag"] for d in found] == [held_phone.asset_tag]
    assert reader.get("/api/v1/devices/", {"status": "borrowed"}).status_code == 400
    assert reader.get("/api/v1/devices/", {"end_of_life_before": "soon"}).status_code == 400


def test_devices_paginated(reader, make_device):
    for _ in range(5):
        make_device()
    page = reader.get("/api/v1/devices/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"] and page["previous"]
    assert reader.get("/api/v1/devices/", {"page": 9}).status_code == 404


def test_device_list_queries_do_not_grow_with_the_estate(reader, make_device, issued):
    for _ in range(2):
        issued(make_device(), UserFactory())
    few, body = _queries(reader, "/api/v1/devices/")
    assert body["count"] == 2
    for _ in range(20):
        issued(make_device(), UserFactory())
    many, body = _queries(reader, "/api/v1/devices/")
    assert body["count"] == 22 and many == few


def test_assignments_filtered_and_at_constant_queries(reader, make_device, issued, officer):
    mine = issued(make_device(), officer)
    issued(make_device(), UserFactory())
    few, body = _queries(reader, "/api/v1/assignments/")
    assert body["count"] == 2
    for _ in range(15):
        issued(make_device(), UserFactory())
    many, body = _queries(reader, "/api/v1/assignments/")
    assert body["count"] == 17 and many == few
    held = reader.get("/api/v1/assignments/", {"holder": officer.payroll_number, "open": "true"}).json()
    assert [a["asset_tag"] for a in held["results"]] == [mine.asset_tag]
    assert held["results"][0]["holder"]["payroll_number"] == officer.payroll_number
    assert held["results"][0]["open"] is True
    assert reader.get("/api/v1/assignments/", {"open": "perhaps"}).status_code == 400


def test_compliance_per_person(reader, portal_admin):
    version = published_version(by=portal_admin)
    slug = version.policy.slug
    keen, late = UserFactory(payroll_number="PC1001"), UserFactory(payroll_number="PC1002")
    accept(keen, version)
    few, body = _queries(reader, f"/api/v1/policies/{slug}/compliance/")
    by_person = {p["payroll_number"]: p for p in body["results"]}
    assert by_person["PC1001"]["status"] == "current" and by_person["PC1001"]["up_to_date"] is True
    assert by_person["PC1001"]["last_accepted_version"] == version.number
    assert by_person["PC1002"]["status"] == "never" and by_person["PC1002"]["up_to_date"] is False
    # service accounts are nobody's colleagues: never counted
    assert not any(p["payroll_number"].startswith("SVC") for p in body["results"])
    for _ in range(15):
        accept(UserFactory(), version)
    many, body = _queries(reader, f"/api/v1/policies/{slug}/compliance/")
    assert many == few
    outstanding = reader.get(f"/api/v1/policies/{slug}/compliance/", {"up_to_date": "false"}).json()["results"]
    assert late.payroll_number in [p["payroll_number"] for p in outstanding]
    assert keen.payroll_number not in [p["payroll_number"] for p in outstanding]
    policies = reader.get("/api/v1/policies/").json()["results"]
    assert [p["slug"] for p in policies] == [slug]


def test_compliance_of_an_unknown_or_unpublished_policy_is_404(reader):
    from tests.policy.factories import PolicyFactory

    assert reader.get("/api/v1/policies/nope/compliance/").status_code == 404
    assert reader.get(f"/api/v1/policies/{PolicyFactory().slug}/compliance/").status_code == 404


def test_devices_count_matches_the_database(reader, make_device):
    make_device()
    assert reader.get("/api/v1/devices/").json()["count"] == Device.objects.count()


def test_leaver_cases_ready_for_account_closure(reader, portal_admin):
    import datetime

    from devices.leavers import services as leavers
    from devices.models import LeaverCase

    done, pending = UserFactory(payroll_number="PC3001"), UserFactory(payroll_number="PC3002")
    for person in (done, pending):
        leavers.leaver_date_set(
            person=person, leaving_date=datetime.date(2026, 6, 30), actor=portal_admin, source="admin"
        )
    case = LeaverCase.objects.get(person=done)
    for line in case.lines.all():  # the property kinds every case lists: written off here
        leavers.leaver_line_write_off(line=line, actor=portal_admin, reason="Handed in at HQ reception")
    leavers.leaver_case_sign_off(case=case, actor=portal_admin)
    case.refresh_from_db()
    assert case.ready_for_account_closure_at is not None
    few, body = _queries(reader, "/api/v1/leaver-cases/ready-for-account-closure/")
    assert [c["person"]["payroll_number"] for c in body["results"]] == ["PC3001"]
    assert body["results"][0]["leaving_date"] == "2026-06-30"
    assert reader.get("/api/v1/leaver-cases/ready-for-account-closure/", {"since": "2099-01-01"}).json()["count"] == 0
    assert reader.get("/api/v1/leaver-cases/ready-for-account-closure/", {"since": "soon"}).status_code == 400
    # the other closes too: listed, at the same cost
    case = LeaverCase.objects.get(person=pending)
    for line in case.lines.all():
        leavers.leaver_line_write_off(line=line, actor=portal_admin, reason="Handed in at HQ reception")
    leavers.leaver_case_sign_off(case=case, actor=portal_admin)
    many, body = _queries(reader, "/api/v1/leaver-cases/ready-for-account-closure/")
    assert body["count"] == 2 and many == few


@pytest.mark.parametrize(
    ("params", "joined"),
    [({}, False), ({"status": "issued"}, False), ({"q": "Marple"}, True), ({"unit": "South"}, True)],
)
def test_devices_are_counted_without_the_holders_join_unless_a_filter_reads_the_holder(
    reader, held_phone, officer, make_device, params, joined
):
    """As the device list page: the holder's join adds no rows (one open assignment a device), and
    COUNT(*) over it cost 80-100 ms at 60,000 devices against 3-6 ms for the devices alone."""
    officer.last_name, officer.command_unit = "Marple", "South"
    officer.save()
    make_device()
    with CaptureQueriesContext(connection) as captured:
        body = reader.get("/api/v1/devices/", params).json()
    tags = {d["asset_tag"] for d in body["results"]}
    assert body["count"] == len(tags) and held_phone.asset_tag in tags and len(tags) == (1 if params else 2)
    counts = [q["sql"] for q in captured if "COUNT(*)" in q["sql"] and "devices_device" in q["sql"]]
    assert len(counts) == 1 and ("devices_assignment" in counts[0]) == joined, counts
