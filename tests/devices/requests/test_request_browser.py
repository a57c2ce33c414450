"""Asking for a device on a phone in a real browser: a mistake first, then the request sent and
where it stands. Every step axe clean, nothing wider than the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

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


def test_the_supervisor_approves_and_the_tech_bar_reserves_and_sees_it_at_the_counter(
    page, live_server, officer, supervisor, tech_bar_staff, bar, make_device, laptop_model
):
    from devices.models import KitEntitlement
    from devices.requests import services as kit_requests

    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    bar.staff.add(tech_bar_staff)
    # Standard kit here is a smartphone only, so a laptop waits for the supervisor.
    KitEntitlement.objects.filter(kind="laptop").delete()
    KitEntitlement.objects.get_or_create(role="Officer", team="", kind="smartphone")
    laptop = make_device(model=laptop_model)
    request = kit_requests.device_request_submit(
        requester=officer,
        submitted_by=officer,
        kind="laptop",
        reason=DeviceRequest.Reason.NEW_STARTER,
        details="Joined Response 1 on Monday",
        collect_at=bar,
    )
    assert request.status == DeviceRequest.Status.SUBMITTED
    sign_in(page, live_server, supervisor)
    page.goto(f"{live_server.url}{reverse('devices:request_approvals')}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Decide on {officer.get_full_name()}'s request").click()
    page.get_by_label("Refuse").check()
    page.get_by_role("button", name="Save decision").click()
    page.get_by_role("alert").get_by_text("Enter the reason for refusing the request").wait_for()
    assert_accessible(page)
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    page.get_by_text(f"Approved: {officer.get_full_name()}'s request.").wait_for()
    page.goto(f"{live_server.url}{reverse('devices:kit_gaps')}")
    expect(page.get_by_role("cell", name=officer.get_full_name())).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, tech_bar_staff)
    page.goto(f"{live_server.url}{reverse('devices:request_tech_bar')}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Reserve a device for {officer.get_full_name()}").click()
    assert_accessible(page)
    page.get_by_label(laptop.asset_tag, exact=False).check()
    page.get_by_role("button", name="Reserve").click()
    page.get_by_text(f"{laptop.asset_tag} is reserved for {officer.get_full_name()}").wait_for()
    assert_accessible(page)

    # They work at this Tech Bar: the counter opens there.
    page.goto(f"{live_server.url}{reverse('admin:devices_counter_person', args=[officer.payroll_number])}")
    expect(page.get_by_role("heading", name="Device requests (1 open)")).to_be_visible()
    assert_accessible(page)
