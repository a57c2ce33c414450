"""Reporting in a real browser: the first notification on a phone, axe clean, and a full report
that keeps what was typed through a reload and a lost connection."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_notification_on_a_phone(phone_page, live_server, officer):
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/incidents/report/")
    assert page.get_by_role("heading", level=1).inner_text() == "Report a security incident"
    assert_accessible(page)

    # Nothing filled in: a clear message for each question, and still accessible.
    page.get_by_role("button", name="Send first notification").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "Enter what happened, in a sentence" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    started = time.monotonic()
    aware = timezone.localtime(timezone.now() - timedelta(minutes=20))
    page.get_by_label("What happened, in a sentence").fill("Sent a statement to the wrong email address")
    page.get_by_label("When did you become aware of it?").fill(aware.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("group", name="Is personal data involved?").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Is a device involved?").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send first notification").click()
    page.wait_for_load_state("domcontentloaded")
    assert time.monotonic() - started < 60

    incident = Incident.objects.get()
    assert incident.reporter == officer
    assert f"We have your first notification, {incident.reference}" in page.locator("main").inner_text()
    assert "left" in page.locator(".govuk-inset-text").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    assert_accessible(page)

    page.get_by_role("link", name="Start the full report").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Full report"
    assert_accessible(page)


def test_the_full_report_keeps_what_was_typed_through_a_reload_and_a_lost_connection(page, live_server, officer):
    from incidents import services

    incident = services.incident_open(
        reporter=officer,
        summary="Laptop left unlocked",
        aware_at=timezone.now() - timedelta(hours=1),
        personal_data_involved="unknown",
        device_involved="yes",
    )
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/incidents/report/{incident.pk}/full-report/")
    page.evaluate("document.getElementById('full-report').dataset.autosaveDelay = '200'")

    page.get_by_label("What happened?").fill("Left the laptop unlocked in the canteen")
    status = page.locator("#autosave-status")
    status.get_by_text("Saved at").wait_for()
    incident.refresh_from_db()
    assert incident.what_happened == "Left the laptop unlocked in the canteen"

    page.reload()
    assert page.get_by_label("What happened?").input_value() == "Left the laptop unlocked in the canteen"

    # The connection drops while typing: the words stay on this device and are saved when it returns.
    page.evaluate("document.getElementById('full-report').dataset.autosaveDelay = '200'")
    page.context.set_offline(True)
    page.get_by_label("Where did it happen?").fill("Canteen, second floor")
    status.get_by_text("kept on this device").wait_for()
    page.context.set_offline(False)
    page.reload()
    assert page.get_by_label("Where did it happen?").input_value() == "Canteen, second floor"
    status.get_by_text("Saved at").wait_for()
    incident.refresh_from_db()
    assert incident.where_happened == "Canteen, second floor"
    assert_accessible(page)


def test_the_data_office_pages_are_accessible(page, live_server, data_office, officer):
    from incidents import services

    incident = services.incident_open(
        reporter=officer,
        summary="Body-worn video clip shared on WhatsApp",
        aware_at=timezone.now() - timedelta(hours=3),
        personal_data_involved="yes",
        device_involved="yes",
    )
    sign_in(page, live_server, data_office)
    page.goto(f"{live_server.url}/incidents/office/")
    expect(page.get_by_role("link", name=incident.reference)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=incident.reference).click()
    page.wait_for_load_state("domcontentloaded")
    assert "Escalation steps" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Triage").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)


def test_a_late_report_and_its_timeline_fit_a_phone(phone_page, live_server, officer):
    from incidents import services

    incident = services.incident_open(
        reporter=officer,
        summary="Work phone lost on the night bus",
        aware_at=timezone.now() - timedelta(hours=15),
        personal_data_involved="yes",
        device_involved="yes",
    )
    sign_in(phone_page, live_server, officer)
    phone_page.goto(f"{live_server.url}/incidents/report/{incident.pk}/")
    main = phone_page.locator("main").inner_text()
    assert "Late" in main and "overdue" in main and "Cancelled" in main
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    assert_accessible(phone_page)
