"""Fixtures for device tests: Tech Bars, phones with valid IMEIs, an officer holding an enrolled
phone, a counter session, and a frozen clock."""

import itertools

import pytest

from devices import services
from devices.counter import SESSION_KEY
from devices.demo import demo_imei
from devices.models import Device, DeviceModel, TechBar
from devices.services import device_issue
from tests.conftest import WINTER_AFTERNOON

# The suite's winter afternoon (GMT): nothing in these tests depends on the real hour.
NOW = WINTER_AFTERNOON
_numbers = itertools.count(1)


@pytest.fixture
def frozen(freeze_clock):
    """The application's clock (incidents' timers read it too) stands still at NOW."""
    with freeze_clock(NOW) as traveller:
        yield traveller


@pytest.fixture
def bar(db):
    return TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")


@pytest.fixture
def other_bar(db):
    return TechBar.objects.create(code="north", name="North Hub Tech Bar")


@pytest.fixture
def phone_model(db):
    return DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)


@pytest.fixture
def smartphone(phone_model):
    return phone_model


@pytest.fixture
def laptop_model(db):
    return DeviceModel.objects.create(make="Dell", model_name="Latitude 5450", kind=DeviceModel.Kind.LAPTOP)


@pytest.fixture
def make_device(bar, phone_model):
    """make_device(tech_bar=..., model=...) -> a device in stock with an asset tag, serial and, for a
    phone, a valid IMEI, a number and an MDM enrolment."""

    def _make(*, tech_bar=None, model=None, **fields):
        n = next(_numbers)
        model = model or phone_model
        phone = model.kind == DeviceModel.Kind.SMARTPHONE
        values = {
            "asset_tag": f"KB{n:06d}",
            "serial_number": f"SN{n:08d}",
            "imei": demo_imei(n) if phone else "",
            "phone_number": f"07700 9{n % 100000:05d}" if phone else "",
            "mdm_enrolment_id": f"0f7c{n % 10000:04d}-aaaa-bbbb-cccc-{n:012d}",
            "model": model,
            "tech_bar": tech_bar or bar,
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


@pytest.fixture
def issued(bar, tech_bar_staff):
    """issued(device, holder) -> the device, handed to the holder at `bar` through a counter visit."""

    def _issued(device, holder):
        services.counter_visit_confirm(
            person=holder, actor=tech_bar_staff, tech_bar=bar, basket=services.CounterBasket(hand_over=[device])
        )
        device.refresh_from_db()
        return device

    return _issued


@pytest.fixture
def counter_client(client, tech_bar_staff, bar):
    """A client signed in as Tech Bar staff, working at `bar`."""
    client.force_login(tech_bar_staff)
    session = client.session
    session[SESSION_KEY] = bar.pk
    session.save()
    return client


# The kit request tests' fixtures (a team, catalogue models, a request in any state).
from tests.devices.request_helpers import (  # noqa: E402, F401
    admin_one,
    admin_two,
    boss,
    macbook,
    member,
    old_laptop,
    request_in,
    tablet_model,
)
