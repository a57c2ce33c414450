"""Asking for a device on a phone in a real browser: a mistake first, then the request sent and
where it stands. Every step axe clean, nothing wider than the screen."""

import pytest
from django.urls import reverse

from devices.models import DeviceModel, DeviceRequest, TechBarOpeningHours
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_officer_asks_for_a_tablet_on_a_phone(phone_page, live_server, officer, supervisor, bar):
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    TechBarOpeningHours.objects.create(tech_bar=bar, weekday=0, opens="08:00", closes="16:00")
    DeviceModel.objects.create(make="Samsung", model_name="Galaxy Tab Active5", kind=DeviceModel.Kind.TABLET)
    page = phone_page
    sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}{reverse('devices:request_list')}")
    assert "You have not asked for a device." in page.locator("#main-content").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Ask for a device").click()
    page.wait_for_url(f"**{reverse('devices:request_new')}")
    assert _fits_the_screen(page)
    assert_accessible(page)

    # Sent without a reason or details: said why, at the top and by each field, with the choices kept.
    page.get_by_label("Tablet").check()
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("alert").get_by_text("Select why the device is needed").wait_for()
    assert page.get_by_label("Tablet").is_checked()
    assert _fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("Workplace adjustment").check()
    page.get_by_label("A specific model (optional)").select_option(label="Samsung Galaxy Tab Active5 – tablet")
    page.get_by_label("Details").fill("Needs assessment of 2 June recommends a rugged tablet")
    page.get_by_label(bar.name).check()
    page.get_by_role("button", name="Send request").click()
    request = DeviceRequest.objects.get(requester=officer)
    page.wait_for_url(f"**{reverse('devices:request_detail', args=[request.pk])}")
    main = page.locator("#main-content").inner_text()
    assert "Request sent for approval" in main and "Waiting for approval" in main and "16:00" in main
    assert request.status == DeviceRequest.Status.SUBMITTED and request.device_model.model_name == "Galaxy Tab Active5"
    assert _fits_the_screen(page)
    assert_accessible(page)
