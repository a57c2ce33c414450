"""A keyboard-wedge scanner at full speed: 20 codes typed about 5 ms a character, Enter after each,
into the counter's scan field (Debian's chromium, the site's Content-Security-Policy on). Every
code lands, in order, none lost or sent twice, each placed or refused; the page is ready for the
next person within 2 s of the last Enter; and the confirm issues exactly the list shown."""

import time

import pytest
from playwright.sync_api import expect

from devices.models import CounterLine, CounterVisit, DeviceModel
from tests.conftest import assert_accessible
from tests.factories import DeviceModelFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAN_FIELD = "Scan or type an asset tag, IMEI or serial number, then Enter"


def test_twenty_codes_at_scanner_speed_all_land_in_order(
    page, open_counter, officer, make_device, issued, laptop_model
):
    other = DeviceModelFactory(make="Zebra", model_name="Ring scanner", kind=DeviceModel.Kind.OTHER)
    old_phone, old_laptop = issued(make_device(), officer), issued(make_device(model=laptop_model), officer)
    someone_elses = issued(make_device(), UserFactory())
    accessories = [make_device(model=other) for _ in range(14)]
    new_phone, second_phone = make_device(), make_device()
    codes = [
        old_phone.imei,  # taking back, by its IMEI
        *[d.asset_tag for d in accessories[:7]],
        new_phone.asset_tag,  # handing over: the old phone is on its way back
        "KB-NOWHERE",  # refused: no such device
        old_laptop.serial_number,  # taking back, by its serial number
        second_phone.asset_tag,  # refused: one phone at a time
        *[d.asset_tag for d in accessories[7:]],
        someone_elses.asset_tag,  # refused: issued to someone else
    ]
    assert len(codes) == 20 and len(set(codes)) == 20
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    open_counter(page, officer)
    page.evaluate("window.kitbagSamePage = true")  # gone if any scan reloads the page
    field = page.get_by_label(SCAN_FIELD)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'counter-code'")

    for code in codes:  # the scanner: no waiting between codes for any answer
        page.keyboard.type(code, delay=5)
        page.keyboard.press("Enter")
    last_enter = time.monotonic()
    page.wait_for_function(
        """() => document.querySelectorAll('#counter-scan-log li').length === 20
             && document.getElementById('counter-form').dataset.scansPending === '0'""",
        timeout=10_000,
    )
    ready_after = time.monotonic() - last_enter
    print(f"ready {ready_after:.2f} s after the last Enter")
    assert field.input_value() == "" and page.evaluate("document.activeElement.id") == "counter-code"
    assert ready_after < 2.0, f"ready {ready_after:.2f} s after the last Enter"
    assert page.evaluate("window.kitbagSamePage === true")
    assert violations == []

    # Every code once, in the order typed, each placed or refused.
    log = page.locator("#counter-scan-log li").all_inner_texts()
    assert [line.split(": ", 1)[0] for line in log] == codes
    outcomes = dict(line.split(": ", 1) for line in log)
    assert all(o.startswith(("Taking back ", "Handing over ", "Refused: ")) for o in outcomes.values()), log
    assert outcomes[old_phone.imei] == f"Taking back {old_phone.asset_tag}."
    assert outcomes["KB-NOWHERE"].startswith("Refused: No device has")
    assert outcomes[second_phone.asset_tag].startswith("Refused: Only one smartphone at a time")
    assert outcomes[someone_elses.asset_tag].startswith("Refused:")

    # The list the page holds, as the confirm will post it.
    def posted(name):
        return page.locator(f'#counter-form input[type=hidden][name="{name}"]').evaluate_all(
            "inputs => inputs.map(i => i.value)"
        )

    given = [d.asset_tag for d in accessories[:7]] + [new_phone.asset_tag] + [d.asset_tag for d in accessories[7:]]
    assert posted("take") == [old_phone.asset_tag, old_laptop.asset_tag]
    assert posted("give") == given
    assert posted("refused") == ["KB-NOWHERE", second_phone.asset_tag, someone_elses.asset_tag]
    expect(page.get_by_role("heading", name="Handing over (15)")).to_be_visible()
    assert_accessible(page)

    # The person confirms what is shown: exactly that is issued and taken back.
    for tag in (old_phone.asset_tag, old_laptop.asset_tag):
        page.locator(f'select[name="reason-{tag}"]').select_option("faulty")
    page.get_by_label(f"{officer.get_full_name()} confirms what is listed above").check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    visit = CounterVisit.objects.filter(person=officer).latest("pk")
    lines = visit.lines.order_by("pk").values_list("direction", "device__asset_tag")
    taken = [tag for direction, tag in lines if direction == CounterLine.Direction.TAKEN_BACK]
    assert taken == [old_phone.asset_tag, old_laptop.asset_tag]
    assert [tag for direction, tag in lines if direction == CounterLine.Direction.HANDED_OVER] == given


def test_scans_typed_while_the_server_is_slow_queue_in_order(page, open_counter, officer, make_device, monkeypatch):
    """Each answer takes 150 ms, twice as long as typing a code: the codes queue behind it, the
    field stays free for the next, and every one is sent once, in order, with the list the last
    answer left."""
    from devices.core import selectors

    other = DeviceModelFactory(make="Zebra", model_name="Ring scanner", kind=DeviceModel.Kind.OTHER)
    codes = [make_device(model=other).asset_tag for _ in range(8)]
    open_counter(page, officer)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'counter-code'")
    page.evaluate(
        """() => {
          window.kitbagMostPending = 0;
          const form = document.getElementById('counter-form');
          new MutationObserver(() => {
            window.kitbagMostPending = Math.max(window.kitbagMostPending, +(form.dataset.scansPending || 0));
          }).observe(form, { attributes: true, attributeFilter: ['data-scans-pending'] });
        }"""
    )
    classify = selectors.scan_classify

    def slow(**kwargs):
        time.sleep(0.15)
        return classify(**kwargs)

    monkeypatch.setattr(selectors, "scan_classify", slow)
    for code in codes:
        page.keyboard.type(code, delay=5)
        page.keyboard.press("Enter")
    page.wait_for_function(
        """() => document.querySelectorAll('#counter-scan-log li').length === 8
             && document.getElementById('counter-form').dataset.scansPending === '0'""",
        timeout=15_000,
    )
    assert page.evaluate("window.kitbagMostPending") >= 3  # the queue did build up
    log = page.locator("#counter-scan-log li").all_inner_texts()
    assert log == [f"{code}: Handing over {code}." for code in codes]
    given = page.locator('#counter-form input[type=hidden][name="give"]').evaluate_all("i => i.map(x => x.value)")
    assert given == codes
    assert page.get_by_label(SCAN_FIELD).input_value() == ""


def test_the_conditions_shown_stay_across_scans_and_are_accepted_at_confirm(
    page, open_counter, tech_bar_staff, officer, make_device
):
    """A scan's answer holds the lists alone: the conditions of use shown when the page opened stay
    (opened once something is handed over), the tick is cleared when the list changes, and the
    confirm records the acceptance of the version shown."""
    from policy.models import Acknowledgement
    from tests.policy.factories import accept, published_version

    version = published_version()
    accept(tech_bar_staff, version)  # the staff member has; the person at the counter has not
    phone = make_device()
    accessory = make_device(model=DeviceModelFactory(kind=DeviceModel.Kind.OTHER))
    open_counter(page, officer)
    page.evaluate("window.kitbagSamePage = true")
    summary = f"{version.policy.name}, version {version.number}: the text to show them"
    assert page.locator("details.counter-policy").evaluate("d => d.open") is False

    page.keyboard.type(phone.asset_tag, delay=5)
    page.keyboard.press("Enter")
    page.locator("#counter-last-scan", has_text=f"Handing over {phone.asset_tag}").wait_for()
    assert page.locator("details.counter-policy").evaluate("d => d.open") is True
    expect(page.get_by_text(summary)).to_be_visible()
    tick = page.get_by_label(f"{officer.get_full_name()} confirms what is listed above", exact=False)
    tick.check()

    page.get_by_label(SCAN_FIELD).focus()
    page.keyboard.type(accessory.asset_tag, delay=5)
    page.keyboard.press("Enter")
    page.locator("#counter-last-scan", has_text=f"Handing over {accessory.asset_tag}").wait_for()
    assert not tick.is_checked()  # the list changed: the person confirms the new one
    assert page.evaluate("window.kitbagSamePage === true")
    assert_accessible(page)

    tick.check()
    page.get_by_role("button", name="Confirm and print receipt").click()
    page.wait_for_url("**/receipt/")
    acceptance = Acknowledgement.objects.get(user=officer, version=version)
    assert acceptance.witnessed_by == tech_bar_staff
    visit = CounterVisit.objects.get(person=officer)
    assert sorted(visit.lines.values_list("device__asset_tag", flat=True)) == sorted(
        [phone.asset_tag, accessory.asset_tag]
    )
