"""Fixtures for the devices tests: Tech Bars, phones with valid IMEIs, and a counter session."""

import itertools

import pytest

from devices import services
from devices.counter import SESSION_KEY
from devices.demo import demo_imei
from devices.models import Device, DeviceModel, TechBar

_numbers = itertools.count(1)


@pytest.fixture
def bar(db):
    return TechBar.objects.create(code="hq", name="Headquarters Tech Bar")


@pytest.fixture
def other_bar(db):
    return TechBar.objects.create(code="north", name="North Hub Tech Bar")


@pytest.fixture
def phone_model(db):
    return DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)


@pytest.fixture
def laptop_model(db):
    return DeviceModel.objects.create(make="Dell", model_name="Latitude 5450", kind=DeviceModel.Kind.LAPTOP)


@pytest.fixture
def make_device(bar, phone_model):
    """make_device(tech_bar=..., model=...) -> a device in stock with an asset tag, serial and valid IMEI."""

    def _make(*, tech_bar=None, model=None, **fields):
        n = next(_numbers)
        model = model or phone_model
        phone = model.kind == DeviceModel.Kind.SMARTPHONE
        values = {
            "asset_tag": f"KB{n:06d}",
            "serial_number": f"SN{n:08d}",
            "imei": demo_imei(n) if phone else "",
            "model": model,
            "tech_bar": tech_bar or bar,
        }
        values.update(fields)
        return Device.objects.create(**values)

    return _make


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
