"""An asset tag is one tag whatever its case: the database refuses a second spelling, and the
counter, the MDM import and the API find a device by any."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from devices.core.selectors import device_by_code
from devices.imports.services.files import devices_import
from devices.models import Device
from tests.devices.imports.test_mdm_import import _csv, _row

pytestmark = pytest.mark.django_db


def test_the_database_refuses_the_same_tag_in_another_case(make_device):
    make_device(asset_tag="KB123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_device(asset_tag="kb123456")
    twin = Device(asset_tag="Kb123456")
    with pytest.raises(ValidationError) as refused:
        twin.validate_constraints()
    assert "Another device has this asset tag" in str(refused.value)


def test_the_counter_finds_a_tag_typed_in_any_case(make_device):
    device = make_device(asset_tag="kbLower1")
    for code in ("KBLOWER1", "kblower1", "KbLower1"):
        assert device_by_code(code=code) == device, code


def test_the_mdm_import_matches_a_known_tag_in_any_case(frozen, tech_bar_staff, bar, phone_model):
    first = devices_import(data=_csv([_row(1)]), actor=tech_bar_staff, tech_bar=bar)
    assert first.ok and first.created == 1, first.errors
    again = devices_import(
        data=_csv([_row(1, tag="md000001", phone="07700 812345")]), actor=tech_bar_staff, tech_bar=bar
    )
    assert again.ok and (again.created, again.updated) == (0, 1), again.errors
    device = Device.objects.get()
    assert device.asset_tag == "MD000001" and device.phone_number == "07700 812345"


def test_one_tag_twice_in_a_file_in_two_cases_is_refused(frozen, tech_bar_staff, bar, phone_model):
    report = devices_import(data=_csv([_row(1), _row(2, tag="md000001")]), actor=tech_bar_staff, tech_bar=bar)
    assert not report.ok and any("Duplicate asset tag" in e for e in report.errors), report.errors
    assert not Device.objects.exists()


def test_a_very_long_code_is_simply_not_found(make_device):
    make_device()
    assert device_by_code(code="Ǆ" * 30000) is None  # no LIKE pattern for SQLite to refuse
