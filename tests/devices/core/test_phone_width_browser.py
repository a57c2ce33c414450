"""The pages whose tables once pushed a 390 px phone screen sideways: each table now scrolls in its
own focusable region, so the page itself is never wider than the screen."""

import pytest
from django.urls import reverse
from django.utils import timezone

from devices.counter import services
from devices.models import CounterVisit, StockLevel
from incidents import services as incident_services
from tests.conftest import PHONE, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def document_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_fits_a_phone(page, live_server, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, f"{path} answered {response.status}"
    assert page.url == f"{live_server.url}{path}", f"{path} went to {page.url}"
    tables = page.locator("#main-content table, #content table")  # not the admin's sidebar
    assert tables.count() > 0, f"{path} shows no table"
    width = document_width(page)
    assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"
    # Every table sits in a region that scrolls it, named for a screen reader and reachable by keyboard.
    for table in tables.all():
        region = table.locator("xpath=ancestor::*[@role='region'][1]")
        assert region.count() == 1, f"a table on {path} is outside a scroll region"
        assert region.get_attribute("tabindex") == "0"


def test_a_swap_receipt_fits_a_phone(phone_page, live_server, officer, tech_bar_staff, bar, make_device, issued):
    old = issued(make_device(), officer)
    new = make_device()
    services.counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=services.CounterBasket(
            take_back=[services.TakeBack(old, "faulty", "Screen cracked across the top left corner")], hand_over=[new]
        ),
    )
    visit = CounterVisit.objects.filter(person=officer).latest("pk")
    sign_in(phone_page, live_server, officer)
    assert_fits_a_phone(phone_page, live_server, reverse("devices:receipt", args=[visit.pk]))


def test_the_incident_print_page_fits_a_phone(phone_page, live_server, officer, data_office):
    incident = incident_services.incident_open(
        reporter=officer,
        summary="Work phone left on a train",
        aware_at=timezone.now(),
        personal_data_involved="yes",
        device_involved="yes",
    )
    sign_in(phone_page, live_server, data_office)
    assert_fits_a_phone(phone_page, live_server, reverse("incidents:incident_print", args=[incident.pk]))


def test_the_tech_bar_requests_fit_a_phone(phone_page, live_server, tech_bar_staff, bar, request_in):
    bar.staff.add(tech_bar_staff)
    request_in("approved")
    sign_in(phone_page, live_server, tech_bar_staff)
    assert_fits_a_phone(phone_page, live_server, reverse("devices:request_tech_bar"))


def test_my_team_fits_a_phone(phone_page, live_server, supervisor):
    UserFactory(supervisor=supervisor, rank_or_grade="Police Community Support Officer")
    UserFactory(supervisor=supervisor, leaving_date=timezone.localdate())
    sign_in(phone_page, live_server, supervisor)
    assert_fits_a_phone(phone_page, live_server, reverse("devices:my_team"))


def test_the_admin_stock_page_fits_a_phone(phone_page, live_server, tech_bar_staff, bar, make_device, phone_model):
    make_device()
    StockLevel.objects.create(tech_bar=bar, device_model=phone_model, minimum=3)
    sign_in(phone_page, live_server, tech_bar_staff)
    assert_fits_a_phone(phone_page, live_server, reverse("admin:devices_stock"))
