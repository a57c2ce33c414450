"""The activity report in a real browser, on a desktop and a phone: axe clean, filters open and
applied, no sideways scrolling on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from devices.core.services import device_issue
from devices.models import Device, DeviceModel, TechBar
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def custody(officer, tech_bar_staff):
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    phone = Device.objects.create(asset_tag="KB000201", model=model, tech_bar=bar, imei="350000000002019")
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    return phone


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_the_activity_report_is_accessible_and_filters(request, viewport, live_server, data_office, custody):
    page = request.getfixturevalue(viewport)
    sign_in(page, live_server, data_office)
    page.goto(f"{live_server.url}{reverse('devices:activity')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Custody activity"
    expect(page.get_by_role("link", name=custody.asset_tag)).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Filter custody events").click()
    page.get_by_label("Event (optional)").select_option("returned")
    page.get_by_role("button", name="Apply filters").click()
    assert "event=returned" in page.url
    expect(page.get_by_text("No custody events match these filters.")).to_be_visible()
    assert_accessible(page)
    if viewport == "phone_page":
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
