"""The header's search box in a real browser: the results page and its error, checked by axe, and
an exact identifier opening the device's page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, sign_in
from tests.factories import DeviceFactory, DeviceModelFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_searching_from_the_header(page, live_server, tech_bar_staff):
    phone = DeviceFactory(model=DeviceModelFactory(kind="smartphone"))
    for _ in range(2):
        DeviceFactory()
    UserFactory(first_name="Marigold", last_name="Ashcombe")
    sign_in(page, live_server, tech_bar_staff)

    box = page.get_by_role("search", name="Site search")
    box.get_by_label("Search").fill("KB")
    box.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=KB")
    expect(page.get_by_role("heading", level=2, name="Devices (3)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("search", name="Search again").get_by_role("searchbox").fill("x")
    page.get_by_role("button", name="Search").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    box = page.get_by_role("search", name="Site search")
    box.get_by_label("Search").fill(phone.imei)
    box.get_by_role("button", name="Search").click()
    page.wait_for_url(f"**/devices/{phone.pk}/")
    assert phone.asset_tag in page.get_by_role("heading", level=1).inner_text()
