"""README, Devices: stock and a transfer, a stocktake, labels and the MDM import job, on
`seed_demo`'s data as TB001 (Headquarters' Tech Bar) finds them in the admin."""

import io
import re

import pytest
from django.core.management import call_command

from devices.imports.services import jobs as import_jobs
from devices.models import Device, DeviceImportJob, StockTransfer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tech_bar_admin(walk):
    page = walk.sign_in("TB001")
    page.get_by_role("link", name="Tech Bar admin").click()
    page.wait_for_url("**/admin/")
    return page


def open_the_counter(walk, tech_bar: str | None = None):
    """The counter keeps the Tech Bar TB001 works at; "Change Tech Bar" switches it."""
    page = walk.page
    page.goto(f"{walk.url}/")
    page.get_by_role("link", name=re.compile("^Tech Bar counter")).click()
    page.wait_for_url("**/counter/**")
    if tech_bar:
        page.get_by_role("link", name="Change Tech Bar").click()
        page.get_by_label("Which Tech Bar are you working at?").select_option(label=tech_bar)
        page.get_by_role("button", name="Start the counter").click()
        page.wait_for_load_state("domcontentloaded")
    return page


def device_admin_filtered(walk, **filters):
    page = walk.page
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    page.goto(f"{walk.url}/admin/devices/device/?{query}")
    return page


def run_action(page, rows, action: str):
    for row in rows:
        page.get_by_role("row", name=re.compile(row)).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Go").click()
    page.wait_for_load_state("domcontentloaded")


def test_tb001_reads_the_stock_and_sends_a_phone_to_north_hub_which_receives_it(walk, demo):
    page = tech_bar_admin(walk)
    page.get_by_role("link", name="Stock at each Tech Bar").click()
    page.wait_for_url("**/admin/devices/stocklevel/stock/**")
    assert "Headquarters Tech Bar" in page.locator("#content").inner_text()
    walk.step("stock")

    open_the_counter(walk)  # the counter's Tech Bar is the one devices are sent from
    hq = Device.objects.filter(status="in_stock", tech_bar__code="hq", model__kind="smartphone")
    phone = hq.order_by("asset_tag").last().asset_tag
    page.goto(f"{walk.url}/admin/")
    page.get_by_role("link", name="Devices", exact=True).last.click()
    page.locator("#searchbar").fill(phone)
    page.get_by_role("button", name="Search").click()
    run_action(page, [phone], "Send the selected devices from my counter's Tech Bar to another")
    page.get_by_label("Send to which Tech Bar?").select_option(label="North Hub Tech Bar")
    walk.step("send")
    page.get_by_role("button", name="Send").first.click()
    page.get_by_text("1 sent to North Hub Tech Bar: on their way.").wait_for()
    walk.step("sent")

    open_the_counter(walk, "North Hub Tech Bar")
    page.goto(f"{walk.url}/admin/")
    page.get_by_role("link", name="Stock transfers").click()
    page.wait_for_url("**/admin/devices/stocktransfer/**")
    walk.step("stock-transfers")
    run_action(page, [phone], "Receive the selected devices at my counter's Tech Bar")
    page.get_by_text(f"{phone} received at North Hub Tech Bar.").wait_for()
    walk.step("received")
    transfer = StockTransfer.objects.get(device__asset_tag=phone)
    assert transfer.received_at is not None and transfer.device.tech_bar.code == "north"


def test_tb001_runs_a_stocktake_at_headquarters_and_marks_the_missing_phone_lost(walk, demo):
    shelves = list(Device.objects.filter(status="in_stock", tech_bar__code="hq").order_by("asset_tag"))
    gone, on_shelf = shelves[0], shelves[1:]
    page = tech_bar_admin(walk)
    page.get_by_role("link", name=re.compile("^Stocktake")).first.click()
    page.wait_for_url("**/admin/devices/stocktake/**")
    if page.get_by_role("link", name="Start a stocktake").count():
        page.get_by_role("link", name="Start a stocktake").first.click()
    page.get_by_label("Which Tech Bar's shelves are you counting?").select_option(label="Headquarters Tech Bar")
    walk.step("stocktake-start")
    page.get_by_role("button", name="Start the stocktake").click()
    page.wait_for_url("**/count/")
    field = page.get_by_label("Scan or type an asset tag, IMEI or serial number")
    field.fill(on_shelf[0].asset_tag)
    field.press("Enter")
    page.locator("#scan-results", has_text=f"{on_shelf[0].asset_tag}: found.").wait_for()
    page.get_by_label("Or paste many codes, one per line").fill("\n".join(d.asset_tag for d in on_shelf[1:]))
    page.get_by_role("button", name=re.compile("^(Add|Record|Scan)")).last.click()
    page.wait_for_load_state("domcontentloaded")
    walk.step("stocktake-scanned")
    page.get_by_role("button", name="Close the stocktake").click()
    page.get_by_role("button", name="Yes, close the stocktake").wait_for()  # the README: confirmed first
    walk.step("stocktake-close-confirm")
    page.get_by_role("button", name="Yes, close the stocktake").click()
    page.get_by_role("button", name=f"Mark {gone.asset_tag} lost").wait_for()
    walk.step("stocktake-closed")
    page.get_by_role("button", name=f"Mark {gone.asset_tag} lost").click()
    page.get_by_role("button", name=f"Yes, mark {gone.asset_tag} lost").wait_for()
    walk.step("stocktake-mark-lost-confirm")
    page.get_by_role("button", name=f"Yes, mark {gone.asset_tag} lost").click()
    page.locator("#missing", has_text="Marked lost by").wait_for()
    walk.step("stocktake-marked-lost")
    gone.refresh_from_db()
    assert gone.status == Device.Status.LOST


def test_tb001_prints_asset_tag_labels_from_the_device_list(walk, demo):
    tags = list(
        Device.objects.filter(tech_bar__code="hq", status="in_stock")
        .order_by("asset_tag")
        .values_list("asset_tag", flat=True)[:3]
    )
    page = tech_bar_admin(walk)
    page.get_by_role("link", name="Devices", exact=True).last.click()
    page.wait_for_url("**/admin/devices/device/**")
    walk.step("device-admin")
    run_action(page, tags, "Print asset-tag labels")
    sheet = page.locator("body").inner_text()
    assert all(tag in sheet for tag in tags)
    walk.step("labels")


def test_tb001_imports_the_demo_mdm_file_through_its_job_page(walk, demo, tmp_path):
    csv_path = tmp_path / "mdm-demo.csv"
    call_command("demo_mdm_csv", "--rows", "1000", "--out", str(csv_path), stdout=io.StringIO())
    page = tech_bar_admin(walk)
    page.get_by_role("link", name="Devices", exact=True).last.click()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Tech Bar receiving new devices").select_option(label="Headquarters Tech Bar")
    page.locator("input[type=file]").set_input_files(csv_path)
    walk.step("import-form")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/admin/devices/device/import/jobs/*/")
    assert page.get_by_role("status").inner_text() == "Queued: 0 of 1,000 rows"
    walk.step("import-check-queued")
    check = DeviceImportJob.objects.get()
    import_jobs.device_import_job_run(job_id=check.pk)  # what the Celery worker does
    page.get_by_text("The file is good: 1000 new, 0 updated, 0 unchanged.").wait_for()
    walk.step("import-check-passed")
    page.get_by_role("button", name="Import these devices").click()
    imported = DeviceImportJob.objects.get(checked_by=check)
    page.wait_for_url(f"**/admin/devices/device/import/jobs/{imported.pk}/")
    import_jobs.device_import_job_run(job_id=imported.pk)
    page.get_by_text("Imported: 1000 new, 0 updated, 0 unchanged.").wait_for()
    walk.step("imported")
    assert Device.objects.filter(asset_tag__startswith="MDM", tech_bar__code="hq").count() == 1000
