"""Fixtures for device tests: a Tech Bar, an officer holding an enrolled phone, a frozen clock."""

from datetime import UTC, datetime

import pytest
import time_machine

from devices.models import Device, DeviceModel, TechBar
from devices.services import device_issue

# A weekday afternoon in winter (GMT): nothing in these tests depends on the real hour.
NOW = datetime(2026, 1, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen(settings):
    """The application's clock (incidents' timers read it too) stands still at NOW."""
    settings.TIMER_CLOCK = "application"
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bar(db):
    return TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")


@pytest.fixture
def smartphone(db):
    return DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)


@pytest.fixture
def make_device(bar, smartphone):
    counter = iter(range(1, 10_000))

    def _make(**fields):
        n = next(counter)
        values = {
            "asset_tag": f"KB{n:06d}",
            "model": smartphone,
            "tech_bar": bar,
            "imei": f"35000000000{n:04d}",
            "serial_number": f"R58N{n:06d}",
            "phone_number": f"07700 900{n:03d}",
            "mdm_enrolment_id": f"0f7c{n:04d}-aaaa-bbbb-cccc-000000000000",
        }
        values.update(fields)
        return Device.objects.create(**values)

    return _make


@pytest.fixture
def held_phone(frozen, make_device, bar, officer, tech_bar_staff):
    """A phone issued to the `officer` fixture at the Headquarters Tech Bar, at NOW."""
    phone = make_device()
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    phone.refresh_from_db()
    return phone
