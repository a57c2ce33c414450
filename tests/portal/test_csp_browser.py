"""With the Content-Security-Policy on, the browser refuses nothing on the portal's pages: every
script and style comes from our static files or carries the nonce."""

import pytest
from django.core.management import call_command

from devices.models import Device, DeviceModel, TechBar
from portal.management.commands.seed_demo import DEMO_PASSWORD
from portal.models import User
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every securitypolicyviolation event from the first byte of each page on.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watch(page):
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(LISTEN)
    return refused


def _visit(page, url, refused):
    page.goto(url)
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__violations")
    assert violations == [], (url, violations)
    assert refused == [], (url, refused)
    # GOV.UK Frontend's nonced snippet ran: the page knows JavaScript is on.
    return page


def test_portal_pages_report_no_csp_violation(page, live_server):
    call_command("seed_demo")
    refused = _watch(page)
    sign_in(page, live_server, User.objects.get(payroll_number="DO001"), password=DEMO_PASSWORD)
    for path in ("/", "/dashboards/", "/dashboards/devices/", "/help/"):
        _visit(page, f"{live_server.url}{path}", refused)
        if path == "/":
            assert "js-enabled" in page.evaluate("document.body.className")


def test_the_sign_in_page_and_admin_pages_report_no_csp_violation(page, live_server, portal_admin):
    refused = _watch(page)
    _visit(page, f"{live_server.url}/accounts/login/", refused)
    sign_in(page, live_server, portal_admin)
    for path in ("/admin/", "/admin/portal/user/", f"/admin/portal/user/{portal_admin.pk}/change/", "/api/docs/"):
        _visit(page, f"{live_server.url}{path}", refused)


def test_the_label_sheet_reports_no_csp_violation(page, live_server, tech_bar_staff):
    """The barcodes are coloured by attributes, not inline style the policy would refuse."""
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar", location="Ground floor, HQ")
    model = DeviceModel.objects.create(make="Dell", model_name="Latitude 5450", kind=DeviceModel.Kind.LAPTOP)
    device = Device.objects.create(asset_tag="LAP-2026-0042", model=model, tech_bar=bar)
    refused = _watch(page)
    sign_in(page, live_server, tech_bar_staff)
    _visit(page, f"{live_server.url}/admin/devices/device/", refused)
    page.locator(f'input[name="_selected_action"][value="{device.pk}"]').check()
    page.locator('select[name="action"]').select_option("print_labels")
    with page.expect_navigation():
        page.locator("#changelist-form button[name=index]").click()
    page.wait_for_load_state("load")
    assert page.locator(".kitbag-label__barcode rect").count() > 10
    assert page.evaluate("window.__violations") == []
    assert refused == []
