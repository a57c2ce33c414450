"""A stocktake in a real browser, driven by typed scans (code + Enter), axe clean at each step."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from devices.models import Device, Stocktake
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page, code):
    """What a keyboard-wedge scanner does: type the code, press Enter."""
    field = page.get_by_label("Scan or type an asset tag, IMEI or serial number")
    field.type(code)
    field.press("Enter")
    page.wait_for_load_state("domcontentloaded")


def test_a_stocktake_by_scanning(page, live_server, tech_bar_staff, bar, other_bar, make_device):
    on_shelf = [make_device() for _ in range(2)]
    gone = make_device()
    elsewhere = make_device(tech_bar=other_bar)
    sign_in(page, live_server, tech_bar_staff)

    page.goto(f"{live_server.url}{reverse('admin:devices_stocktake_start')}")
    assert_accessible(page)
    page.get_by_label("Which Tech Bar's shelves are you counting?").select_option(label=bar.name)
    page.get_by_role("button", name="Start the stocktake").click()
    taken = Stocktake.objects.get()
    page.wait_for_url(f"**{reverse('admin:devices_stocktake_count', args=[taken.pk])}")

    scan(page, on_shelf[0].asset_tag)
    page.locator("#scan-results", has_text=f"{on_shelf[0].asset_tag}: found.").wait_for()
    assert_accessible(page)
    scan(page, on_shelf[1].imei)
    page.locator("#scan-results", has_text=f"{on_shelf[1].asset_tag}: found.").wait_for()
    scan(page, elsewhere.asset_tag)
    page.locator("#scan-results", has_text=f"{elsewhere.asset_tag}: unexpected here").wait_for()
    scan(page, on_shelf[0].asset_tag)
    page.locator("#scan-results", has_text="was already scanned in this stocktake").wait_for()
    assert_accessible(page)
    expect(page.locator("#missing").get_by_text(gone.asset_tag)).to_be_visible()  # not scanned yet

    page.get_by_role("button", name="Close the stocktake").click()
    page.get_by_role("button", name="Yes, close the stocktake").wait_for()  # asked first, no script
    assert_accessible(page)
    page.get_by_role("button", name="Yes, close the stocktake").click()
    page.get_by_role("button", name=f"Mark {gone.asset_tag} lost").wait_for()
    expect(page.locator("#unexpected").get_by_text(elsewhere.asset_tag)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Mark {gone.asset_tag} lost").click()
    page.get_by_role("button", name=f"Yes, mark {gone.asset_tag} lost").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name=f"Yes, mark {gone.asset_tag} lost").click()
    page.locator("#missing", has_text="Marked lost by").wait_for()
    assert_accessible(page)
    gone.refresh_from_db()
    assert gone.status == Device.Status.LOST
