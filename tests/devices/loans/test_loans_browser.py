"""Lending in a real browser: a tablet scanned at the counter, its due-back date typed, confirmed;
then My kit on a phone shows the loan with its date, checked with axe."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from devices.models import Loan
from tests.conftest import assert_accessible, sign_in
from tests.devices.loans.loan_helpers import lend, pool_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lend_a_tablet_at_the_counter_by_scanning(
    page, live_server, open_counter, counter_scan, tech_bar_staff, officer, bar, make_device, tablet_model
):
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    due = timezone.localdate() + datetime.timedelta(days=3)
    open_counter(page, officer)
    counter_scan(page, tablet.asset_tag)
    page.locator("#counter-last-scan", has_text=f"Handing over {tablet.asset_tag}").wait_for()

    page.get_by_label("due back on").fill(due.isoformat())
    assert_accessible(page)
    page.get_by_label(f"{officer.get_full_name()} confirms what is listed above").check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    assert "Lent at this visit" in page.locator(".kitbag-receipt").inner_text()
    assert Loan.objects.get(device=tablet).due_back == due
    assert_accessible(page)


def test_my_kit_with_a_loan_on_a_phone_is_accessible(
    phone_page, live_server, tech_bar_staff, officer, bar, make_device, tablet_model
):
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    due = timezone.localdate() + datetime.timedelta(days=5)
    lend(tablet, officer, due_back=due, bar=bar, staff=tech_bar_staff)
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('devices:my_kit')}")
    on_loan = page.get_by_role("heading", name="On loan to me")
    expect(on_loan).to_be_visible()
    assert f"Due back {due:%A} {due.day} {due:%B %Y}" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
