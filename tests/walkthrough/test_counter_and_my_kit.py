"""README, "Run it": the counter swap and its receipt, My kit and the stolen report, the remote
action queue, and triage, on `seed_demo`'s data, word for word as a new user would follow them."""

import re

import pytest
from django.utils import timezone

from devices.accessories.models import AccessoryHolding
from devices.losses.services.losses import device_report_lost
from devices.models import Assignment, Device, DeviceLoss, RemoteAction
from portal.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN = "Scan or type an asset tag, IMEI or serial number, then Enter"
CHARGER, CAR_KIT = "USB-C charger", "Vehicle phone car kit"


def counter_hint(demo: str) -> tuple[str, list[str]]:
    """seed_demo prints OFF001's phone and the spare phones at Headquarters."""
    hint = re.search(r"OFF001 holds (KB\d+); spare phones there: ([KB\d, ]+)\.", demo)
    assert hint, "seed_demo prints what to scan at the counter"
    return hint[1], [tag.strip() for tag in hint[2].split(",")]


def scan(page, code: str, expect: str):
    field = page.get_by_label(SCAN)
    field.fill(code)
    field.press("Enter")
    page.locator("#counter-last-scan", has_text=expect).wait_for()


def hand_over_a_charger_and_a_car_kit(page):
    """ "scan the charger's shelf code ACC-CHARGER ... under "Accessory" choose "Vehicle phone car
    kit", leave "Quantity" at 1 and press "Add accessory"." """
    scan(page, "ACC-CHARGER", f"Handing over {CHARGER}")
    choose = page.get_by_label("Accessory", exact=True)
    choose.select_option(label=choose.locator("option", has_text=CAR_KIT).inner_text().strip())
    assert page.get_by_label("Quantity", exact=True).input_value() == "1"
    page.get_by_role("button", name="Add accessory").click()
    page.get_by_label(f"Handing over: {CAR_KIT} (ACC-CARKIT), quantity").wait_for()
    assert page.get_by_label(f"Handing over: {CHARGER} (ACC-CHARGER), quantity").input_value() == "1"


def spare_phone_from_the_device_list(walk) -> str:
    """ "A spare phone's asset tag from the device list": the Devices page, in stock at Headquarters."""
    page = walk.page
    counter = page.url
    walk.go("/devices/")
    page.get_by_text("Search and filter devices").click()
    page.get_by_label("Status").select_option(label="In stock")
    page.get_by_label("Kind").select_option(label="Smartphone")
    page.get_by_label("Tech Bar").select_option(label="Headquarters Tech Bar")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/devices/?**")
    walk.step("device-list-spare-phones")
    tag = page.locator("#main-content table tbody tr a").first.inner_text().strip()
    page.goto(counter)
    return tag


def swap_at_the_counter(walk, demo) -> tuple[str, str]:
    """ "To try the counter, sign in as TB001 ... tick the box and confirm: the receipt prints." """
    page = walk.sign_in("TB001")
    old, _spares = counter_hint(demo)
    page.get_by_role("link", name=re.compile("^Tech Bar counter")).click()
    page.wait_for_url("**/counter/**")
    assert "Headquarters Tech Bar" in page.locator("#content").inner_text()  # where TB001 works
    walk.step("counter-at-headquarters")
    field = page.get_by_label("Scan or type their payroll or warrant number")
    field.fill("OFF001")
    field.press("Enter")
    page.wait_for_url("**/counter/OFF001/")
    walk.step("counter-off001")
    new = spare_phone_from_the_device_list(walk)
    scan(page, old, f"Taking back {old}")
    page.get_by_label("Why is it coming back?").select_option(label="Faulty")
    scan(page, new, f"Handing over {new}")
    hand_over_a_charger_and_a_car_kit(page)
    walk.step("counter-swap-listed")
    page.get_by_label(re.compile(r"^Olivia Officer confirms what is listed above")).check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    receipt = page.locator(".kitbag-receipt").inner_text()
    assert old in receipt and new in receipt
    assert "Accessories" in receipt and CHARGER in receipt and CAR_KIT in receipt
    walk.step("counter-receipt")
    return old, new


def test_tb001_swaps_off001s_faulty_phone_at_the_counter_and_the_receipt_prints(walk, demo):
    old, new = swap_at_the_counter(walk, demo)
    assert Device.objects.get(asset_tag=old).status == Device.Status.RETURNED
    assert Assignment.objects.get(device__asset_tag=new, returned_at__isnull=True).holder.payroll_number == "OFF001"
    held = AccessoryHolding.objects.filter(person__payroll_number="OFF001")
    assert sorted(held.values_list("kind__code", "quantity")) == [("ACC-CARKIT", 1), ("ACC-CHARGER", 1)]


def test_off001_finds_the_receipt_in_my_kit_and_reports_the_new_phone_stolen(walk, demo):
    _old, new = swap_at_the_counter(walk, demo)
    page = walk.sign_in("OFF001")
    page.get_by_role("link", name=re.compile("^My kit")).first.click()
    page.wait_for_url("**/devices/my-kit/")
    my_kit = page.locator("#main-content")
    assert new in my_kit.inner_text()
    accessories = my_kit.get_by_role("region", name="Accessories I hold").inner_text()
    assert CHARGER in accessories and CAR_KIT in accessories
    walk.step("my-kit")
    page.get_by_role("link", name=re.compile("^Receipt")).first.click()
    page.wait_for_url("**/devices/receipts/**")
    assert new in page.locator("#main-content").inner_text()
    walk.step("my-receipt")
    page.go_back()
    page.get_by_role("link", name=re.compile(f"^Report lost, stolen or faulty.*{new}")).click()
    page.get_by_label("Stolen", exact=True).check()
    walk.step("report-kind")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Where were you, or where do you think it went?").fill("Taken from my bag on the 36 bus")
    walk.step("report-stolen")
    page.get_by_role("button", name="Report it stolen").click()
    page.wait_for_url("**/incidents/report/*/")
    assert f"{new} is reported stolen" in page.locator("main").inner_text()
    assert "left" in page.locator(".govuk-inset-text").inner_text()  # the 12-hour clock is running
    walk.step("incident-opened")
    loss = DeviceLoss.objects.get(device__asset_tag=new)
    assert loss.kind == "stolen" and loss.incident is not None


def test_tb001_sees_the_sim_block_and_wipe_requests_under_remote_actions(walk, demo):
    old, _spares = counter_hint(demo)
    officer = User.objects.get(payroll_number="OFF001")
    device_report_lost(
        device=Device.objects.get(asset_tag=old),
        actor=officer,
        kind="stolen",
        noticed_at=timezone.now(),
        where="Taken from my bag on the 36 bus",
    )
    page = walk.sign_in("TB001")
    page.get_by_role("link", name="Tech Bar admin").click()
    page.wait_for_url("**/admin/")
    walk.step("admin-index")
    page.get_by_role("link", name="Remote actions").click()
    page.wait_for_url("**/admin/devices/remoteaction/")
    rows = page.locator("#result_list tbody tr", has_text=old)
    assert rows.filter(has_text=re.compile("SIM", re.I)).count() == 1
    assert rows.filter(has_text=re.compile("wipe", re.I)).count() == 1
    walk.step("remote-actions")
    assert RemoteAction.objects.filter(device__asset_tag=old).count() == 2


def test_tb001_puts_off001s_damaged_phone_back_to_stock_from_triage(walk, demo):
    page = walk.sign_in("TB001")
    page.get_by_role("link", name="Tech Bar admin").click()
    page.get_by_role("link", name="Triage: returned devices").click()
    page.wait_for_url("**/admin/devices/triagedevice/**")
    walk.step("triage-queue")
    damaged = Device.objects.get(
        status=Device.Status.RETURNED, assignments__holder__payroll_number="OFF001", tech_bar__code="hq"
    )
    page.get_by_role("row", name=re.compile(damaged.asset_tag)).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Back to stock (wiped and checked)")
    page.get_by_role("button", name="Go").click()
    walk.step("triage-back-to-stock")
    for box in page.locator("#content form input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Put back in stock").click()
    page.get_by_text("1 device back in stock.").wait_for()
    walk.step("triage-done")
    damaged.refresh_from_db()
    assert damaged.status == Device.Status.IN_STOCK
