"""The Data Office opens the dashboards on the demo data in a real browser: readable, axe clean."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.management.commands.seed_demo import DEMO_PASSWORD
from portal.models import User
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_data_office_dashboards_are_accessible(page, live_server):
    call_command("seed_demo")
    sign_in(page, live_server, User.objects.get(payroll_number="DO001"), password=DEMO_PASSWORD)
    page.get_by_role("link", name="Dashboards").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboards"
    assert_accessible(page)
    for name in ("Incidents", "Conditions of use", "Devices", "Leavers"):
        page.goto(f"{live_server.url}/dashboards/")
        page.locator("#main-content").get_by_role("link", name=name, exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == f"{name} dashboard"
        # Every chart is an image with a name, and its figures are a table a click away.
        charts = page.locator("svg[role=img]")
        assert charts.count() >= 3
        for details in page.locator("details").all():
            details.locator("summary").click()
        assert_accessible(page)


def test_bad_filters_are_shown_accessibly_with_the_values_kept(page, live_server):
    call_command("seed_demo")
    sign_in(page, live_server, User.objects.get(payroll_number="DO001"), password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboards/leavers/?date_from=2026-12-01&date_to=2026-01-01")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.get_by_label("From").input_value() == "2026-12-01"
    assert_accessible(page)
