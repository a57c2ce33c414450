"""Known devices updated by the MDM import (devices.imports.resources.update_from_values, one UPDATE a
batch): every detail the file carries is written, batches of any size, custody never touched.
Runs on SQLite and, in the PostgreSQL leg, on PostgreSQL (where each value is cast)."""

from datetime import date

import pytest
from django.utils import timezone

from devices.demo import demo_imei
from devices.imports.resources import DeviceFileResource
from devices.imports.services.files import devices_import
from devices.models import Device, DeviceEvent, DeviceModel
from tests.devices.imports.test_mdm_import import _csv, _row


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_every_detail_of_known_devices_is_updated_and_nothing_else(
    frozen, tech_bar_staff, bar, phone_model, monkeypatch, batch_size
):
    monkeypatch.setattr(DeviceFileResource._meta, "batch_size", batch_size)
    other = DeviceModel.objects.create(make="Apple", model_name="iPhone 15", kind=DeviceModel.Kind.SMARTPHONE)
    assert devices_import(data=_csv([_row(n) for n in range(1, 5)]), actor=tech_bar_staff, tech_bar=bar).created == 4
    unchanged_before = Device.objects.get(asset_tag="MD000004")
    frozen.shift(3600)
    changed = [
        _row(
            n,
            model="Apple iPhone 15",
            serial=f"NEW{n}",
            imei=demo_imei(700_000 + n),
            phone=f"07911 1{n:05d}",
            iccid=f"894420{n:013d}",
            mdm=f"new-{n}",
            enrolled="03/02/2026",
        )
        for n in range(1, 4)
    ]
    report = devices_import(data=_csv([*changed, _row(4)]), actor=tech_bar_staff, tech_bar=bar)
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 3, 1)
    for n in range(1, 4):
        device = Device.objects.get(asset_tag=f"MD{n:06d}")
        assert (
            device.model,
            device.serial_number,
            device.imei,
            device.phone_number,
            device.sim_iccid,
            device.mdm_enrolment_id,
            device.mdm_enrolled_on,
            device.updated_at,
        ) == (
            other,
            f"NEW{n}",
            demo_imei(700_000 + n),
            f"07911 1{n:05d}",
            f"894420{n:013d}",
            f"new-{n}",
            date(2026, 2, 3),
            timezone.now(),
        )
        assert (device.status, device.tech_bar) == ("in_stock", bar)
    assert Device.objects.get(asset_tag="MD000004").updated_at == unchanged_before.updated_at
    assert DeviceEvent.objects.count() == 4  # an update is not a custody event


@pytest.mark.parametrize(
    "change",
    [
        {"serial": "R58NCHANGED"},
        {"imei": demo_imei(800_001)},
        {"model": "Apple iPhone 15"},
        {"phone": "07911 000000"},
        {"iccid": "8944200000000000099"},
        {"mdm": "changed-id"},
        {"enrolled": "2026-01-11"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_change_to_any_one_detail_updates_that_device_only(frozen, tech_bar_staff, bar, phone_model, change):
    DeviceModel.objects.create(make="Apple", model_name="iPhone 15", kind=DeviceModel.Kind.SMARTPHONE)
    rows = [_row(n) for n in range(1, 4)]
    assert devices_import(data=_csv(rows), actor=tech_bar_staff, tech_bar=bar).created == 3
    rows[1] = _row(2, **change)
    report = devices_import(data=_csv(rows), actor=tech_bar_staff, tech_bar=bar)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    again = devices_import(data=_csv(rows), actor=tech_bar_staff, tech_bar=bar)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
