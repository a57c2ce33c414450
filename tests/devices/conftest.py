"""Fixtures for device tests: Tech Bars, phones with valid IMEIs, an officer holding an enrolled
phone, a counter session, and a frozen clock."""

import pytest
from django.urls import reverse

from devices.counter import services
from devices.counter.views import SESSION_KEY
from devices.models import DeviceModel
from tests.conftest import WINTER_AFTERNOON, sign_in
from tests.factories import AssignmentFactory, DeviceFactory, DeviceModelFactory, TechBarFactory

# The suite's winter afternoon (GMT): nothing in these tests depends on the real hour.
NOW = WINTER_AFTERNOON


@pytest.fixture
def frozen(freeze_clock):
    """The application's clock (incidents' timers read it too) stands still at NOW."""
    with freeze_clock(NOW) as traveller:
        yield traveller


@pytest.fixture
def bar(db):
    return TechBarFactory(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")


@pytest.fixture
def other_bar(db):
    return TechBarFactory(code="north", name="North Hub Tech Bar")


@pytest.fixture
def phone_model(db):
    return DeviceModelFactory(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)


@pytest.fixture
def smartphone(phone_model):
    return phone_model


@pytest.fixture
def laptop_model(db):
    return DeviceModelFactory(make="Dell", model_name="Latitude 5450", kind=DeviceModel.Kind.LAPTOP)


@pytest.fixture
def make_device(bar, phone_model):
    """make_device(tech_bar=..., model=...) -> a device in stock with an asset tag, serial and, for a
    phone, a valid IMEI, a number and an MDM enrolment."""

    def _make(*, tech_bar=None, model=None, **fields):
        return DeviceFactory(model=model or phone_model, tech_bar=tech_bar or bar, **fields)

    return _make


@pytest.fixture
def held_phone(frozen, make_device, bar, officer, tech_bar_staff):
    """A phone issued to the `officer` fixture at the Headquarters Tech Bar, at NOW."""
    phone = make_device()
    AssignmentFactory(device=phone, holder=officer, issued_by=tech_bar_staff, issued_at_tech_bar=bar)
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


@pytest.fixture
def open_counter(live_server, tech_bar_staff, bar):
    """open_counter(page, person=None): in the browser, sign in as Tech Bar staff, open the counter
    and choose `bar`; with `person`, scan their payroll number and wait for their page."""

    def _open(page, person=None):
        sign_in(page, live_server, tech_bar_staff)
        page.goto(f"{live_server.url}{reverse('admin:devices_counter')}")
        page.get_by_label("Which Tech Bar are you working at?").select_option(label=bar.name)
        page.get_by_role("button", name="Start the counter").click()
        if person is not None:
            field = page.get_by_label("Scan or type their payroll or warrant number")
            field.type(person.payroll_number)
            field.press("Enter")
            payroll = person.payroll_number
            page.wait_for_url(f"**{reverse('admin:devices_counter_person', kwargs={'payroll': payroll})}")
        return page

    return _open


@pytest.fixture
def counter_scan():
    """counter_scan(page, code): what a keyboard-wedge scanner does at the counter's code field:
    type the code, press Enter."""

    def _scan(page, code):
        field = page.get_by_label("Scan or type an asset tag, IMEI or serial number, then Enter")
        field.type(code)
        field.press("Enter")

    return _scan


# The kit request tests' fixtures (a team, catalogue models, a request in any state).
from tests.devices.requests.request_helpers import (  # noqa: E402, F401
    admin_one,
    admin_two,
    boss,
    macbook,
    member,
    old_laptop,
    request_in,
    tablet_model,
)
