"""The estate's pages in a real browser, axe clean (WCAG 2.2 A and AA): the device list filtered,
a device page with its history, the label sheet, the triage outcome form, the stock pages and the
transfer pages, each reached the way Tech Bar staff reach it (admin actions chosen and run)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from devices.core.services import device_issue, device_return
from devices.models import Device, StockLevel, StockTransfer
from devices.triage import services as triage
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def estate(bar, other_bar, make_device, phone_model, officer, tech_bar_staff):
    """At `bar` (where the staff member works): two phones in stock, one issued, one handed back and
    through repair, one back from the counter waiting for triage, and a low-stock level."""
    bar.staff.add(tech_bar_staff)
    officer.command_unit = "North"
    officer.save()
    spares = [make_device(), make_device()]
    held = make_device()
    device_issue(device=held, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    travelled = make_device()
    device_issue(device=travelled, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    device_return(device=travelled, actor=tech_bar_staff, tech_bar=bar, reason="faulty", condition="Cracked screen")
    triage.triage_to_repair(device=travelled, actor=tech_bar_staff, supplier_reference="RMA-1")
    triage.triage_back_from_repair(device=travelled, actor=tech_bar_staff, note="New screen")
    waiting = make_device()
    device_issue(device=waiting, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    device_return(device=waiting, actor=tech_bar_staff, tech_bar=bar, reason="damaged")
    StockLevel.objects.create(tech_bar=bar, device_model=phone_model, minimum=5)
    return {"spares": spares, "held": held, "travelled": travelled, "waiting": waiting}


def run_action(page, url: str, devices: list[Device], action: str) -> None:
    """Tick the devices on an admin list, choose the action and run it, as a person would."""
    page.goto(url)
    for device in devices:
        page.locator(f'input[name="_selected_action"][value="{device.pk}"]').check()
    page.locator('select[name="action"]').select_option(action)
    page.locator('button[name="index"]').first.click()
    page.wait_for_load_state("domcontentloaded")


def test_the_device_list_and_a_device_page_with_its_history(
    page, live_server, estate, officer, tech_bar_staff, data_office
):
    search = f"status=issued&unit=North&q={officer.last_name}"
    for user in (tech_bar_staff, data_office):
        page.context.clear_cookies()
        sign_in(page, live_server, user)
        page.goto(f"{live_server.url}{reverse('devices:device_list')}?{search}")
        expect(page.get_by_role("link", name=estate["held"].asset_tag)).to_be_visible()
        assert not page.get_by_role("link", name=estate["spares"][0].asset_tag).count()
        assert_accessible(page)
        page.goto(f"{live_server.url}{reverse('devices:device_list')}?end_of_life_before=not-a-date")
        assert_accessible(page)  # the refused filter, with its reason

        page.goto(f"{live_server.url}{reverse('devices:device_detail', args=[estate['travelled'].pk])}")
        history = page.locator("h2:has-text('Custody history') + ol > li")
        assert history.count() == estate["travelled"].events.count() == 4  # issued, returned, to repair, back
        assert_accessible(page)


def test_the_label_sheet_and_the_triage_outcome_form(page, live_server, estate, tech_bar_staff):
    sign_in(page, live_server, tech_bar_staff)
    run_action(page, f"{live_server.url}/admin/devices/device/", estate["spares"], "print_labels")
    assert page.locator(".kitbag-label").count() == 2
    assert_accessible(page)

    queue = f"{live_server.url}/admin/devices/triagedevice/"
    for action in ("to_stock", "to_repair", "dispose"):
        run_action(page, queue, [estate["waiting"]], action)
        assert_accessible(page)
    page.get_by_role("button", name="Dispose of them").click()  # no certificate: asked again
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_text("Enter the disposal certificate reference").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Disposal certificate reference").fill("WEEE-2026-0101")
    page.get_by_role("button", name="Dispose of them").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)  # the queue again, with the message
    estate["waiting"].refresh_from_db()
    assert estate["waiting"].status == Device.Status.DISPOSED


def test_the_stock_and_transfer_pages(page, live_server, estate, tech_bar_staff, other_bar, bar):
    sign_in(page, live_server, tech_bar_staff)
    for path in (reverse("admin:devices_stock"), reverse("admin:devices_stocklevel_changelist")):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)

    devices = f"{live_server.url}/admin/devices/device/"
    run_action(page, devices, estate["spares"], "send_to_tech_bar")
    assert_accessible(page)  # which Tech Bar?
    page.get_by_role("button", name="Send").first.click()  # none chosen: asked again
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    page.get_by_label("Send to which Tech Bar?").select_option(label=other_bar.name)
    page.get_by_role("button", name="Send").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert StockTransfer.objects.filter(to_tech_bar=other_bar, received_at__isnull=True).count() == 2
    assert_accessible(page)

    run_action(page, devices, [estate["held"]], "send_to_tech_bar")  # an issued device: refused
    page.get_by_label("Send to which Tech Bar?").select_option(label=other_bar.name)
    page.get_by_role("button", name="Send").first.click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_text("Nothing was sent")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('admin:devices_stocktransfer_changelist')}?received_at__isempty=1")
    assert_accessible(page)
    transfer = StockTransfer.objects.first()
    page.goto(f"{live_server.url}{reverse('admin:devices_stocktransfer_change', args=[transfer.pk])}")
    assert_accessible(page)
