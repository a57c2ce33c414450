"""README, "Run it": a loan. TB001 lends OFF001 a tablet from Headquarters' loan pool, due back on
Friday; the receipt and OFF001's My kit say when it is due back; TB001's "Overdue loans" lists the
demo's overdue loan. On `seed_demo`'s data, word for word as a new user would follow it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devices.models import Loan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def friday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)


def test_tb001_lends_off001_a_tablet_due_back_friday(walk, demo):
    hint = re.search(r"lend OFF001 the tablet (KBL\d+) from the loan pool", demo)
    assert hint, "seed_demo prints the pool tablet to lend"
    tablet, due = hint[1], friday()

    page = walk.sign_in("TB001")
    page.get_by_role("link", name=re.compile("^Tech Bar counter")).click()
    page.wait_for_url("**/counter/**")
    field = page.get_by_label("Scan or type their payroll or warrant number")
    field.fill("OFF001")
    field.press("Enter")
    page.wait_for_url("**/counter/OFF001/")
    scan = page.get_by_label("Scan or type an asset tag, IMEI or serial number, then Enter")
    scan.fill(tablet)
    scan.press("Enter")
    page.locator("#counter-last-scan", has_text=f"Handing over {tablet}").wait_for()
    page.get_by_label("due back on").fill(due.isoformat())
    walk.step("counter-lend-tablet")
    page.get_by_label(re.compile(r"^Olivia Officer confirms what is listed above")).check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    due_words = f"due back {due:%A} {due.day} {due:%B %Y}"
    assert due_words in page.locator(".kitbag-receipt").inner_text()
    walk.step("counter-loan-receipt")
    assert Loan.objects.get(device__asset_tag=tablet).due_back == due

    page = walk.sign_in("OFF001")
    page.get_by_role("link", name="My kit").first.click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_role("heading", name="On loan to me")).to_be_visible()
    assert f"Due back {due:%A} {due.day} {due:%B %Y}" in page.locator("main").inner_text()
    walk.step("my-kit-loan")

    page = walk.sign_in("TB001")
    page.get_by_role("link", name="Overdue loans").click()
    page.wait_for_url("**/loans/overdue/")
    overdue = Loan.objects.get(due_back__lt=timezone.localdate())
    assert overdue.device.asset_tag in page.locator("main").inner_text()
    walk.step("overdue-loans")
