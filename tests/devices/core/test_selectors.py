"""Finding a scanned device and deciding what the scan means at a counter."""

import pytest

from devices.core.selectors import Scan, device_by_code, imei_check_digit_ok, scan_classify
from devices.models import Device
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("code", "ok"),
    [("490154203237518", True), ("490154203237517", False), ("49015420323751", False), ("49015420323751X", False)],
)
def test_imei_luhn_check(code, ok):
    assert imei_check_digit_ok(code) is ok


@pytest.mark.django_db
def test_a_device_is_found_by_asset_tag_imei_or_serial(make_device):
    device = make_device()
    make_device()
    assert device_by_code(code=device.asset_tag) == device
    assert device_by_code(code=device.asset_tag.lower()) == device
    assert device_by_code(code=f"  {device.imei}\n") == device
    assert device_by_code(code=device.serial_number) == device
    assert device_by_code(code="NOPE") is None


@pytest.mark.django_db
def test_holding_it_means_taking_back(make_device, issued, bar, officer):
    phone = issued(make_device(), officer)
    scan = scan_classify(code=phone.imei, person=officer, tech_bar=bar)
    assert (scan.placement, scan.device) == (Scan.TAKE_BACK, phone)


@pytest.mark.django_db
def test_in_stock_here_means_handing_over(make_device, bar, officer):
    phone = make_device()
    assert scan_classify(code=phone.asset_tag, person=officer, tech_bar=bar).placement == Scan.HAND_OVER


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("in_repair", "is in repair at Headquarters Tech Bar"),
        ("disposed", "has been disposed of"),
        ("returned", "is not issued to anyone: it is awaiting triage at Headquarters Tech Bar"),
    ],
)
def test_devices_out_of_service_are_refused_saying_where_they_are(make_device, bar, officer, status, expected):
    device = make_device(status=status)
    scan = scan_classify(code=device.asset_tag, person=officer, tech_bar=bar)
    assert scan.placement == Scan.REFUSED and expected in scan.message


@pytest.mark.django_db
def test_someone_elses_device_and_another_tech_bars_stock_are_refused(make_device, issued, bar, other_bar, officer):
    theirs = issued(make_device(), UserFactory(first_name="Priya", last_name="Shah"))
    scan = scan_classify(code=theirs.asset_tag, person=officer, tech_bar=bar)
    assert scan.placement == Scan.REFUSED and "issued to someone else (Priya Shah" in scan.message

    north = make_device(tech_bar=other_bar)
    scan = scan_classify(code=north.asset_tag, person=officer, tech_bar=bar)
    assert scan.placement == Scan.REFUSED and "in stock at North Hub Tech Bar, not here" in scan.message


@pytest.mark.django_db
def test_lost_kit_turning_up_is_taken_back_as_found_only_from_its_holder(make_device, issued, bar, officer):
    phone = issued(make_device(), officer)
    Device.objects.filter(pk=phone.pk).update(status=Device.Status.STOLEN)

    mine = scan_classify(code=phone.asset_tag, person=officer, tech_bar=bar)
    assert mine.placement == Scan.TAKE_BACK and mine.found_after_loss and "reported stolen" in mine.message
    other = scan_classify(code=phone.asset_tag, person=UserFactory(), tech_bar=bar)
    assert other.placement == Scan.REFUSED and "reported stolen by someone else" in other.message


@pytest.mark.django_db
def test_unknown_codes_and_bad_check_digits_are_refused(bar, officer):
    unknown = scan_classify(code="KB999999", person=officer, tech_bar=bar)
    assert unknown.placement == Scan.REFUSED and "No device has" in unknown.message
    bad = scan_classify(code="490154203237517", person=officer, tech_bar=bar)
    assert bad.placement == Scan.REFUSED and "check digit is wrong" in bad.message
