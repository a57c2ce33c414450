"""An officer reports their phone stolen on a phone-sized screen and lands on the incident, and
the faulty path says where to go: axe clean on every report page."""

import re

import pytest

from devices.core.services import device_issue
from devices.models import Device, DeviceModel, RemoteAction, TechBar
from incidents.models import Incident
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officers_phone(officer, tech_bar_staff):
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")
    model = DeviceModel.objects.create(make="Samsung", model_name="Galaxy XCover 7", kind=DeviceModel.Kind.SMARTPHONE)
    phone = Device.objects.create(
        asset_tag="KB000101",
        model=model,
        tech_bar=bar,
        imei="350000000001011",
        serial_number="R58N000101",
        phone_number="07700 900101",
        mdm_enrolment_id="0f7c0101-aaaa-bbbb-cccc-000000000000",
    )
    Device.objects.create(asset_tag="KB000102", model=model, tech_bar=bar)  # a spare
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    return phone


def _no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"


def test_an_officer_reports_their_phone_stolen_on_a_phone(phone_page, live_server, officer, officers_phone):
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/")
    page.get_by_role(
        "link", name=re.compile(rf"Report lost, stolen or faulty\s+for {officers_phone.asset_tag}")
    ).click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Report a problem with your smartphone"
    _no_sideways_scrolling(page)
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()  # nothing chosen
    page.wait_for_load_state("domcontentloaded")
    assert "Select whether it is lost, stolen" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Stolen", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Report your smartphone stolen"
    _no_sideways_scrolling(page)
    assert_accessible(page)

    page.get_by_role("button", name="Report it stolen").click()  # "where" left empty
    page.wait_for_load_state("domcontentloaded")
    assert "Enter where it was lost or stolen" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    # The time noticed defaults to now; the officer says where.
    page.get_by_label("Where were you, or where do you think it went?").fill("Taken from my bag on the 36 bus")
    page.get_by_role("button", name="Report it stolen").click()
    page.wait_for_load_state("domcontentloaded")

    incident = Incident.objects.get()
    assert page.url == f"{live_server.url}/incidents/report/{incident.pk}/"
    main = page.locator("main").inner_text()
    assert f"{officers_phone.asset_tag} is reported stolen" in main and incident.reference in main
    assert "left" in page.locator(".govuk-inset-text").inner_text()  # the 12-hour clock is running
    assert sorted(RemoteAction.objects.values_list("kind", flat=True)) == ["sim_block", "wipe"]
    officers_phone.refresh_from_db()
    assert officers_phone.status == Device.Status.STOLEN
    _no_sideways_scrolling(page)
    assert_accessible(page)


def test_the_faulty_path_names_a_tech_bar_on_a_phone(phone_page, live_server, officer, officers_phone):
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/devices/report/{officers_phone.pk}/")
    page.get_by_label("Faulty or damaged", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Get your smartphone swapped"
    assert "Headquarters Tech Bar" in page.locator("main").inner_text()
    _no_sideways_scrolling(page)
    assert_accessible(page)
