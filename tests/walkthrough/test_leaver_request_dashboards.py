"""README, "Run it": a leaver, a kit request and the dashboards, on `seed_demo`'s data, word for
word as a new user would follow them."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from devices.models import Assignment, DeviceRequest, LeaverCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN = "Scan or type an asset tag, IMEI or serial number, then Enter"


def counter_for(walk, payroll: str, *, tech_bar: str | None = None):
    page = walk.page
    page.get_by_role("link", name=re.compile("^Tech Bar counter")).click()
    page.wait_for_url("**/counter/**")
    if tech_bar:
        page.get_by_role("link", name="Change Tech Bar").click()
        page.get_by_label("Which Tech Bar are you working at?").select_option(label=tech_bar)
        page.get_by_role("button", name="Start the counter").click()
        page.wait_for_load_state("domcontentloaded")
        assert tech_bar in page.locator("#content").inner_text()
    field = page.get_by_label("Scan or type their payroll or warrant number")
    field.fill(payroll)
    field.press("Enter")
    page.wait_for_url(f"**/counter/{payroll}/")
    return page


def scan(page, code: str, expect: str):
    field = page.get_by_label(SCAN)
    field.fill(code)
    field.press("Enter")
    page.locator("#counter-last-scan", has_text=expect).wait_for()


def test_sup001_opens_a_leaver_case_the_counter_takes_everything_back_and_sup001_signs_it_off(walk, demo):
    held = [a.device.asset_tag for a in Assignment.objects.filter(holder__payroll_number="OFF001", returned_at=None)]
    assert len(held) == 2  # "who holds a phone and a laptop"
    page = walk.sign_in("SUP001")
    walk.accept_conditions()  # SUP001 has version 2 of the conditions of use still to accept
    page.get_by_role("link", name="My team", exact=True).first.click()
    walk.step("my-team")
    page.get_by_role("link", name="Set leaving date for Olivia Officer").click()
    leaving = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Leaving date", exact=True).fill(leaving.isoformat())
    walk.step("leaving-date")
    page.get_by_role("button", name="Save leaving date").click()
    page.wait_for_url("**/devices/leavers/**")
    main = page.locator("#main-content").inner_text()
    assert all(tag in main for tag in held)
    walk.step("leaver-case")
    # The worker's beat sweeps the timers every minute under `make run`; here the test sweeps once.
    call_command("sweep_timers", stdout=io.StringIO())
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    page.wait_for_url("**/notifications/")
    assert "Olivia Officer" in page.locator("#main-content").inner_text()
    walk.step("reminders-in-notifications")

    page = walk.sign_in("TB001")
    counter_for(walk, "OFF001")
    expect(page.get_by_role("heading", name=re.compile("^Leaver: leaves on"))).to_be_visible()  # the case comes first
    walk.step("counter-leaver-case-first")
    for tag in held:
        scan(page, tag, f"Taking back {tag}")
    received = page.get_by_role("button", name=re.compile(r"^Received\W"))
    for _ in range(received.count()):  # one per item of property: warrant card, radio, fob...
        received.first.click()
        page.wait_for_load_state("domcontentloaded")
    assert received.count() == 0
    walk.step("counter-leaver-all-listed")
    for tag in held:  # the scans survive "Received"
        expect(page.get_by_role("group", name=re.compile(f"^{tag}"))).to_be_visible()
    page.get_by_label(re.compile(r"^Olivia Officer confirms what is listed above")).check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    walk.step("counter-leaver-receipt")

    page = walk.sign_in("SUP001")
    case = LeaverCase.objects.get(person__payroll_number="OFF001")
    page.get_by_role("link", name="My team", exact=True).first.click()
    page.get_by_role("link", name="Leaver case of Olivia Officer").click()
    walk.step("case-every-line-ended")
    page.get_by_role("link", name="Sign off this case").click()
    page.get_by_label(re.compile("^I confirm that Olivia Officer has handed back")).check()
    walk.step("sign-off")
    page.get_by_role("button", name="Sign off").click()
    page.get_by_text("Signed off: every item has ended, so the case is closed.").wait_for()
    walk.step("case-closed")
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED


def test_off002_asks_for_a_laptop_sup001_approves_tb001_reserves_and_issues_it(walk, demo):
    page = walk.sign_in("TB001")
    page.get_by_role("link", name="Kit gaps", exact=True).first.click()
    page.wait_for_url("**/devices/kit-gaps/")
    expect(page.get_by_role("cell", name="Noor Newman")).to_be_visible()  # a phone but no laptop
    walk.step("kit-gaps-before")

    page = walk.sign_in("OFF002")
    page.get_by_role("link", name="Device requests", exact=True).first.click()
    walk.step("my-device-requests")
    page.get_by_role("link", name="Ask for a device").click()
    page.get_by_label("Laptop", exact=True).check()
    # Any laptop is OFF002's standard kit, approved at once; a particular model needs the supervisor.
    model = page.get_by_label("A specific model")
    model.select_option(label=model.locator("option", has_text="Microsoft Surface Laptop 6").inner_text().strip())
    page.get_by_label("New starter").check()
    page.get_by_label("Details").fill("Joined Response 1 on Monday")
    page.get_by_label("North Hub Tech Bar").check()
    walk.step("ask-for-a-laptop")
    page.get_by_role("button", name="Send request").click()
    request = DeviceRequest.objects.get(requester__payroll_number="OFF002")
    page.wait_for_url(f"**/devices/requests/{request.pk}/")
    assert "Waiting for approval" in page.locator("#main-content").inner_text()
    walk.step("request-sent")

    page = walk.sign_in("SUP001")
    walk.accept_conditions()
    page.get_by_role("link", name="Approvals", exact=True).first.click()
    walk.step("approvals")
    page.get_by_role("link", name="Decide on Noor Newman's request").click()
    page.get_by_label("Approve").check()
    walk.step("decide")
    page.get_by_role("button", name="Save decision").click()
    page.get_by_text("Approved: Noor Newman's request.").wait_for()
    walk.step("approved")

    page = walk.sign_in("TB001")
    page.get_by_role("link", name="Requests at my Tech Bar", exact=True).first.click()
    page.get_by_label("Show requests collected at").select_option(label="North Hub Tech Bar")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("domcontentloaded")
    walk.step("requests-at-north-hub")
    page.get_by_role("link", name="Reserve a device for Noor Newman").click()
    page.locator("input[type=radio]").first.check()
    walk.step("reserve")
    page.get_by_role("button", name="Reserve").click()
    page.get_by_text("is reserved for Noor Newman").wait_for()
    walk.step("reserved")
    request.refresh_from_db()
    laptop = request.reserved_device.asset_tag
    page.goto(walk.url + "/")
    counter_for(walk, "OFF002", tech_bar="North Hub Tech Bar")
    walk.step("counter-off002")
    scan(page, laptop, f"Handing over {laptop}")
    page.get_by_label(re.compile(r"^Noor Newman confirms what is listed above")).check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    walk.step("counter-receipt")

    page.goto(walk.url + "/")
    page.get_by_role("link", name="Kit gaps", exact=True).first.click()
    assert page.get_by_role("cell", name="Noor Newman").count() == 0  # the gap disappears
    walk.step("kit-gaps-after")
    page.goto(f"{walk.url}/devices/requests/{request.pk}/")
    assert "Collected" in page.locator("#main-content").inner_text()
    walk.step("request-collected")


def test_do001_opens_the_dashboards(walk, demo):
    page = walk.sign_in("DO001")
    page.get_by_role("link", name="Dashboards", exact=True).first.click()
    page.wait_for_url("**/dashboards/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboards"
    walk.step("dashboards")
    for name in ("Incidents", "Conditions of use", "Devices", "Leavers"):
        page.goto(f"{walk.url}/dashboards/")
        page.locator("#main-content").get_by_role("link", name=name, exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == f"{name} dashboard"
        assert page.locator("svg[role=img]").count() >= 3
        walk.step(f"dashboard-{name.lower().replace(' ', '-')}")
