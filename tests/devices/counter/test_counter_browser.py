"""The counter in a real browser, driven by typed scans (code + Enter), and My kit on a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from devices.models import CounterVisit, DeviceEvent
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_full_swap_at_the_counter_by_scanning(
    page, open_counter, counter_scan, tech_bar_staff, officer, bar, make_device, issued
):
    old = issued(make_device(), officer)
    new = make_device()
    open_counter(page, officer)
    page.evaluate("window.kitbagSamePage = true")  # gone if any scan reloads the page
    assert_accessible(page)

    counter_scan(page, old.imei)
    page.locator("#counter-last-scan", has_text=f"Taking back {old.asset_tag}").wait_for()
    page.get_by_label("Why is it coming back?").select_option("faulty")
    counter_scan(page, "KB-NOWHERE")
    page.locator("#counter-last-scan", has_text="Refused: No device has").wait_for()
    counter_scan(page, new.asset_tag)
    page.locator("#counter-last-scan", has_text=f"Handing over {new.asset_tag}").wait_for()

    assert page.evaluate("window.kitbagSamePage === true")
    assert_accessible(page)
    expect(page.get_by_role("group", name=f"{old.asset_tag} {old.model}")).to_be_visible()
    expect(page.get_by_role("button", name=f"Remove {new.asset_tag}")).to_be_visible()
    assert page.get_by_label("Why is it coming back?").input_value() == "faulty"  # kept across scans
    expect(page.locator(".counter-refused").get_by_text("KB-NOWHERE")).to_be_visible()

    # Two clicks after the last scan: the person confirms, then done.
    page.get_by_label(f"{officer.get_full_name()} confirms what is listed above").check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    visit = CounterVisit.objects.get(person=officer, lines__device=new)
    receipt = page.locator(".kitbag-receipt").inner_text()
    for text in (visit.reference, old.asset_tag, old.imei, new.asset_tag, new.imei, bar.name):
        assert text in receipt
    assert tech_bar_staff.get_full_name() in receipt
    expect(page.get_by_role("button", name="Print receipt")).to_be_visible()
    assert_accessible(page)
    returned = DeviceEvent.objects.get(device=old, kind="returned")
    assert returned.related_event.device == new


def test_my_kit_and_my_receipt_on_a_phone_are_accessible(phone_page, live_server, officer, make_device, issued):
    issued(make_device(), officer)
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}{reverse('devices:my_kit')}")
    assert page.get_by_role("heading", level=1).inner_text() == "My kit"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    page.get_by_role("link", name="Receipt").first.click()
    page.wait_for_url("**/devices/receipts/**")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_a_scan_while_the_database_is_down_keeps_the_list_and_the_code(
    page, open_counter, counter_scan, officer, make_device, laptop_model, monkeypatch
):
    """The server answers 503 (portal/unavailable.py): the page says so, the list stays, the code
    goes back in the box, and Enter sends it again once the database is back."""
    from django.db import OperationalError

    from devices.core import selectors

    first, second = make_device(), make_device(model=laptop_model)  # a phone and a laptop (FAQ 7)
    open_counter(page, officer)
    counter_scan(page, first.asset_tag)
    page.locator("#counter-last-scan", has_text=f"Handing over {first.asset_tag}").wait_for()

    classify = selectors.scan_classify

    def database_down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "scan_classify", database_down)
    counter_scan(page, second.asset_tag)
    page.get_by_role("alert").filter(has_text="The database is unavailable").wait_for()
    code = page.get_by_label("Scan or type an asset tag, IMEI or serial number, then Enter")
    assert code.input_value() == second.asset_tag
    expect(page.get_by_role("button", name=f"Remove {first.asset_tag}")).to_be_visible()
    assert_accessible(page)

    monkeypatch.setattr(selectors, "scan_classify", classify)
    code.press("Enter")
    page.locator("#counter-last-scan", has_text=f"Handing over {second.asset_tag}").wait_for()
    assert page.get_by_role("alert").filter(has_text="The database is unavailable").count() == 0
    expect(page.get_by_role("button", name=f"Remove {first.asset_tag}")).to_be_visible()


def test_a_leavers_lines_keep_the_scan_list(
    page, live_server, open_counter, counter_scan, supervisor, officer, make_device, issued
):
    """Received and Mark lost on a leaver's case lines come back to the counter with the devices
    already scanned; the case stays in view while the scan field waits; Confirm is the primary button."""
    from datetime import timedelta

    from django.utils import timezone

    from devices.leavers import services as leavers
    from devices.models import LeaverCase, LeaverPropertyKind

    for order, name in enumerate(("Warrant or ID card", "Radio", "Access fob"), start=1):
        LeaverPropertyKind.objects.get_or_create(name=name, defaults={"order": order})
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    phone = issued(make_device(), officer)
    case = leavers.leaver_date_set(
        person=officer,
        leaving_date=timezone.localdate() + timedelta(days=3),
        actor=supervisor,
        source=LeaverCase.Source.SUPERVISOR,
    )
    card, radio = case.lines.filter(property_kind__isnull=False).order_by("pk")[:2]
    open_counter(page)
    page.set_viewport_size({"width": 1280, "height": 600})  # a counter's small laptop: the field is below the fold
    page.goto(f"{live_server.url}{reverse('admin:devices_counter_person', args=[officer.payroll_number])}")

    # The scanner can type at once, and the case above the field has not scrolled away.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'counter-code'")
    heading = page.get_by_role("heading", name="Leaver: leaves on")
    assert page.evaluate("window.scrollY") == 0
    assert heading.bounding_box()["y"] >= 0
    confirm = page.get_by_role("button", name="Confirm and print receipt")
    primary = page.evaluate(
        """() => {
          const probe = document.createElement("input");
          probe.type = "submit"; probe.className = "default";
          document.querySelector(".counter-confirm .submit-row").appendChild(probe);
          const colour = getComputedStyle(probe).backgroundColor;
          probe.remove();
          return colour;
        }"""
    )
    assert confirm.evaluate("b => getComputedStyle(b).backgroundColor") == primary
    assert (
        page.get_by_role("button", name="Add", exact=True).evaluate("b => getComputedStyle(b).backgroundColor")
        != primary
    )

    counter_scan(page, phone.asset_tag)  # Enter in the field scans, whatever button comes first on the page
    page.locator("#counter-last-scan", has_text=f"Taking back {phone.asset_tag}").wait_for()
    page.get_by_label("Condition").fill("Scratched back")
    card.refresh_from_db()
    assert card.outcome == ""

    page.get_by_role("button", name=re.compile(rf"^Received\W+{card.description}$")).click()
    page.get_by_text(f"Received {card.description} from {officer.get_full_name()}").wait_for()
    expect(page.get_by_role("heading", name="Taking back (1)")).to_be_visible()
    assert page.get_by_label("Condition").input_value() == "Scratched back"
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(rf"^Mark lost\W+{radio.description}$")).click()
    page.wait_for_url("**/lost/")
    assert_accessible(page)
    page.get_by_role("textbox").first.fill("Left in a locker at the old station")
    page.get_by_role("button", name="Mark it lost").click()
    page.get_by_text(f"{radio.description} is recorded as lost").wait_for()
    expect(page.get_by_role("heading", name="Taking back (1)")).to_be_visible()
    assert page.get_by_label("Condition").input_value() == "Scratched back"
    card.refresh_from_db()
    radio.refresh_from_db()
    assert (card.outcome, radio.outcome) == ("returned", "lost")


def test_without_the_script_enter_on_a_leavers_page_scans(
    browser, live_server, open_counter, counter_scan, supervisor, officer, make_device, issued
):
    """The case's line buttons post the counter form and come first on the page: Enter in the
    scan field still adds the code (the form's hidden default button), never "Received"."""
    from datetime import timedelta

    from django.utils import timezone

    from devices.leavers import services as leavers
    from devices.models import LeaverCase, LeaverPropertyKind

    LeaverPropertyKind.objects.get_or_create(name="Warrant or ID card", defaults={"order": 1})
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    phone = issued(make_device(), officer)
    case = leavers.leaver_date_set(
        person=officer,
        leaving_date=timezone.localdate() + timedelta(days=3),
        actor=supervisor,
        source=LeaverCase.Source.SUPERVISOR,
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        open_counter(page)
        page.goto(f"{live_server.url}{reverse('admin:devices_counter_person', args=[officer.payroll_number])}")
        counter_scan(page, phone.asset_tag)
        page.locator("#counter-last-scan", has_text=f"Taking back {phone.asset_tag}").wait_for()
        expect(page.get_by_role("heading", name="Taking back (1)")).to_be_visible()
        assert not case.lines.filter(property_kind__isnull=False).exclude(outcome="").exists()
    finally:
        context.close()
