"""Accessories in a real browser, checked with axe: the counter scanning a shelf code, choosing a
kind to take back and setting a quantity, in one visit with a device; My kit listing them; a
stocktake counting them."""

import pytest
from django.urls import reverse

from devices.accessories.selectors import accessory_held_quantity, accessory_stock_at
from devices.accessories.services import accessory_issue
from devices.models import CounterVisit
from devices.stock.services import stocktake_start
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accessories_and_a_device_in_one_visit_at_the_counter(
    page, live_server, open_counter, counter_scan, tech_bar_staff, officer, bar, make_device, charger, screen_protector
):
    accessory_issue(kind=charger, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)
    phone = make_device()
    open_counter(page, officer)

    counter_scan(page, phone.asset_tag)
    page.locator("#counter-last-scan", has_text=f"Handing over {phone.asset_tag}").wait_for()
    counter_scan(page, "ACC-SCREEN")
    page.locator("#counter-last-scan", has_text="Handing over Screen protector.").wait_for()
    page.get_by_label("Handing over: Screen protector (ACC-SCREEN), quantity").fill("2")
    page.get_by_label("Accessory", exact=True).select_option("ACC-CHARGER")
    page.get_by_label("Handing over or taking back").select_option("take")
    page.get_by_role("button", name="Add accessory").click()
    page.get_by_label("Taking back: USB-C charger (ACC-CHARGER), quantity").wait_for()
    assert page.get_by_label("Handing over: Screen protector (ACC-SCREEN), quantity").input_value() == "2"
    assert_accessible(page)

    page.get_by_label(f"{officer.get_full_name()} confirms what is listed above").check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    receipt = page.locator(".kitbag-receipt").inner_text()
    assert phone.asset_tag in receipt and "Screen protector" in receipt and "USB-C charger" in receipt
    assert_accessible(page)
    visit = CounterVisit.objects.get(person=officer)
    assert visit.lines.count() == 1 and visit.accessory_movements.count() == 2
    assert accessory_held_quantity(person=officer, kind=charger) == 0
    assert accessory_stock_at(tech_bar=bar, kind=screen_protector) == 18


def test_my_kit_with_accessories_on_a_phone(phone_page, live_server, officer, bar, tech_bar_staff, charger):
    accessory_issue(kind=charger, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('devices:my_kit')}")
    table = page.get_by_role("region", name="Accessories I hold")
    assert "USB-C charger" in table.inner_text() and "2" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_a_stocktake_counts_accessories(page, live_server, tech_bar_staff, bar, charger):
    taken = stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    sign_in(page, live_server, tech_bar_staff)
    page.goto(f"{live_server.url}{reverse('admin:devices_stocktake_count', args=[taken.pk])}")
    page.get_by_label("USB-C charger counted").fill("9")
    page.get_by_role("button", name="Record accessory counts").click()
    page.get_by_text("Accessory counts recorded.").wait_for()
    region = page.get_by_role("region", name="Accessories")
    assert "-1" in region.inner_text()
    assert_accessible(page)
