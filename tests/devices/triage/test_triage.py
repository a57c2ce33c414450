"""Triage: every outcome of a returned device, the edges refused, back from repair, and a disposed
device never reissued (the counter refuses it with its certificate)."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from devices.core import selectors
from devices.core.services import DeviceError, device_issue, device_return
from devices.losses.services.losses import device_found, device_report_lost
from devices.models import Device, DeviceEvent, DeviceTriage
from devices.triage import services as triage
from tests.devices.conftest import NOW


@pytest.fixture
def returned(frozen, make_device, bar, officer, tech_bar_staff):
    """returned() -> a phone issued to the officer and handed back faulty at `bar`."""

    def _returned(**fields):
        phone = make_device(**fields)
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
        device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="faulty", condition="Will not charge")
        phone.refresh_from_db()
        assert phone.status == Device.Status.RETURNED
        return phone

    return _returned


def _last_event(device) -> DeviceEvent:
    return DeviceEvent.objects.filter(device=device).order_by("-created_at", "-pk").first()


def test_back_to_stock_records_who_wiped_and_checked_it(returned, tech_bar_staff, portal_admin, bar):
    phone = returned()
    outcome = triage.triage_to_stock(
        device=phone, actor=tech_bar_staff, checked_by=portal_admin, wiped_and_checked=True
    )
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK and phone.tech_bar == bar
    assert outcome.outcome == DeviceTriage.Outcome.STOCK and outcome.checked_by == portal_admin
    event = _last_event(phone)
    assert event == outcome.event and event.kind == DeviceEvent.Kind.TRIAGED
    assert (event.from_status, event.to_status, event.actor, event.tech_bar) == (
        "returned",
        "in_stock",
        tech_bar_staff,
        bar,
    )
    assert portal_admin.get_full_name() in event.note


def test_back_to_stock_is_refused_until_wiped_and_checked(returned, tech_bar_staff):
    phone = returned()
    with pytest.raises(DeviceError, match="wiped and checked"):
        triage.triage_to_stock(device=phone, actor=tech_bar_staff, checked_by=tech_bar_staff, wiped_and_checked=False)
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED and not DeviceTriage.objects.exists()


def test_to_repair_and_back_from_repair_returns_it_to_triage(returned, tech_bar_staff, frozen):
    phone = returned()
    sent = triage.triage_to_repair(device=phone, actor=tech_bar_staff, supplier_reference=" RMA-20394 ")
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_REPAIR and sent.supplier_reference == "RMA-20394"
    assert "RMA-20394" in sent.event.note

    frozen.shift(timedelta(days=10))
    back = triage.triage_back_from_repair(device=phone, actor=tech_bar_staff, note="New battery")
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED
    assert back.outcome == DeviceTriage.Outcome.BACK_FROM_REPAIR and back.supplier_reference == "RMA-20394"
    assert (back.event.from_status, back.event.to_status) == ("in_repair", "returned")
    assert "New battery" in back.event.note and back.event.created_at == NOW + timedelta(days=10)
    # ...and is triaged again like any returned device
    triage.triage_to_stock(device=phone, actor=tech_bar_staff, checked_by=tech_bar_staff, wiped_and_checked=True)
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK


def test_to_repair_needs_the_supplier_reference(returned, tech_bar_staff):
    phone = returned()
    with pytest.raises(DeviceError, match="supplier's repair reference"):
        triage.triage_to_repair(device=phone, actor=tech_bar_staff, supplier_reference="  ")
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED


def test_disposal_needs_its_certificate_and_is_final(returned, tech_bar_staff, officer, bar):
    phone = returned()
    with pytest.raises(DeviceError, match="disposal certificate reference"):
        triage.triage_dispose(device=phone, actor=tech_bar_staff, disposal_reference="")
    outcome = triage.triage_dispose(device=phone, actor=tech_bar_staff, disposal_reference="WEEE-2026-0042")
    phone.refresh_from_db()
    assert phone.status == Device.Status.DISPOSED and outcome.disposal_reference == "WEEE-2026-0042"
    assert (outcome.event.from_status, outcome.event.to_status) == ("returned", "disposed")

    # Never reissued: no triage moves it, the issue service refuses it...
    for attempt in (
        lambda: triage.triage_to_stock(
            device=phone, actor=tech_bar_staff, checked_by=tech_bar_staff, wiped_and_checked=True
        ),
        lambda: triage.triage_to_repair(device=phone, actor=tech_bar_staff, supplier_reference="X"),
        lambda: triage.triage_back_from_repair(device=phone, actor=tech_bar_staff),
        lambda: device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar),
    ):
        with pytest.raises(DeviceError):
            attempt()
    phone.refresh_from_db()
    assert phone.status == Device.Status.DISPOSED
    # ...and the counter refuses it with its disposal reference.
    scan = selectors.scan_classify(code=phone.asset_tag, person=officer, tech_bar=bar)
    assert scan.placement == scan.REFUSED
    assert "disposed of" in scan.message and "WEEE-2026-0042" in scan.message


@pytest.mark.parametrize("status", ["in_stock", "issued", "lost", "in_repair"])
def test_only_a_returned_device_gets_a_stock_repair_or_disposal_outcome(
    frozen, make_device, bar, officer, tech_bar_staff, status
):
    phone = make_device()
    if status != "in_stock":
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    if status == "lost":
        device_report_lost(device=phone, actor=officer, kind="lost", noticed_at=NOW, where="On the train")
    if status == "in_repair":
        device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="faulty")
        triage.triage_to_repair(device=phone, actor=tech_bar_staff, supplier_reference="RMA-1")
    phone.refresh_from_db()
    events = DeviceEvent.objects.count()
    with pytest.raises(DeviceError, match="not returned"):
        triage.triage_to_stock(device=phone, actor=tech_bar_staff, checked_by=tech_bar_staff, wiped_and_checked=True)
    with pytest.raises(DeviceError, match="not returned"):
        triage.triage_to_repair(device=phone, actor=tech_bar_staff, supplier_reference="RMA-2")
    with pytest.raises(DeviceError, match="not returned"):
        triage.triage_dispose(device=phone, actor=tech_bar_staff, disposal_reference="WEEE-1")
    if status != "in_repair":
        with pytest.raises(DeviceError, match="not in repair"):
            triage.triage_back_from_repair(device=phone, actor=tech_bar_staff)
    phone.refresh_from_db()
    assert phone.status == status and DeviceEvent.objects.count() == events


def test_a_lost_device_that_turns_up_is_triaged_the_same_way(
    frozen, make_device, bar, officer, tech_bar_staff, django_capture_on_commit_callbacks
):
    phone = make_device()
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    with django_capture_on_commit_callbacks(execute=False):
        device_report_lost(device=phone, actor=officer, kind="lost", noticed_at=NOW, where="On the train")
        device_found(device=phone, actor=tech_bar_staff, tech_bar=bar, note="Handed in by the rail police")
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED
    triage.triage_to_stock(device=phone, actor=tech_bar_staff, checked_by=tech_bar_staff, wiped_and_checked=True)
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK and phone.tech_bar == bar


def test_a_retired_model_is_not_issued_from_stock(frozen, make_device, phone_model, bar, officer, tech_bar_staff):
    phone_model.retired = True
    phone_model.save()
    phone = make_device()
    scan = selectors.scan_classify(code=phone.asset_tag, person=officer, tech_bar=bar)
    assert scan.placement == scan.REFUSED and "retired model" in scan.message and str(phone_model) in scan.message
    with pytest.raises(DeviceError, match="retired model"):
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK


def test_a_disposed_device_scanned_at_the_counter_is_refused_on_the_page_with_its_reference(
    returned, counter_client, make_device, officer, tech_bar_staff
):
    phone = returned()
    triage.triage_dispose(device=phone, actor=tech_bar_staff, disposal_reference="WEEE-2026-0077")
    spare = make_device()
    url = reverse("admin:devices_counter_person", kwargs={"payroll": officer.payroll_number})

    for code in (phone.asset_tag, phone.imei, phone.serial_number):
        r = counter_client.post(url, {"give": spare.asset_tag, "code": code})
        assert r.status_code == 400, code
        assert f"{phone.asset_tag} has been disposed of (disposal certificate WEEE-2026-0077)" in r.text
        assert re.findall(r'name="give" value="([^"]*)"', r.text) == [spare.asset_tag]  # the basket is kept
    phone.refresh_from_db()
    assert phone.status == Device.Status.DISPOSED and not phone.assignments.filter(returned_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("to_repair", {}, "Enter the repairer&#x27;s reference"),
        ("to_repair", {"supplier_reference": "R" * 101}, "at most 100 characters"),
        ("dispose", {"disposal_reference": "W" * 101}, "at most 100 characters"),
        ("to_stock", {"wiped_and_checked": "on", "checked_by": "999999"}, "Select a valid choice"),
    ],
)
def test_a_triage_outcome_with_bad_input_is_asked_again_and_nothing_changes(
    returned, client, tech_bar_staff, action, data, message
):
    phone = returned()
    events = DeviceEvent.objects.count()
    client.force_login(tech_bar_staff)
    r = client.post(
        "/admin/devices/triagedevice/", {"action": action, ACTION_CHECKBOX_NAME: [phone.pk], "apply": "1", **data}
    )
    assert r.status_code == 400 and message in r.text
    for value in data.values():
        if len(value) > 50:  # what was typed is on the page again
            assert f'value="{value}"' in r.text
    phone.refresh_from_db()
    assert phone.status == Device.Status.RETURNED and DeviceEvent.objects.count() == events
    assert not DeviceTriage.objects.exists()


def test_a_device_already_given_an_outcome_elsewhere_is_not_triaged_twice(returned, client, tech_bar_staff):
    """Two staff working the queue: the second to act on the same phone changes nothing."""
    phone = returned()
    client.force_login(tech_bar_staff)
    triage.triage_to_repair(device=phone, actor=tech_bar_staff, supplier_reference="RMA-1")
    r = client.post(
        "/admin/devices/triagedevice/",
        {"action": "dispose", ACTION_CHECKBOX_NAME: [phone.pk], "apply": "1", "disposal_reference": "WEEE-1"},
        follow=True,
    )
    assert r.status_code == 200
    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_REPAIR
    assert list(DeviceTriage.objects.values_list("outcome", flat=True)) == ["repair"]
