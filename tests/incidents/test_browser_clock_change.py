"""In a real browser: an awareness time in the hour repeated when the clocks go back is asked
about on the page (axe clean), and the person's choice starts the clock from that instant."""

from datetime import UTC, datetime

import pytest

from incidents.models import Incident
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_october_clock_change_the_repeated_hour_is_asked_about_on_a_phone(phone_page, live_server, officer):
    page = phone_page
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/incidents/report/")
    page.get_by_label("What happened, in a sentence").fill("Left a pocket notebook on the night bus")
    page.get_by_label("When did you become aware of it?").fill("2026-10-25T01:10")
    page.get_by_role("group", name="Is personal data involved?").get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="Is a device involved?").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send first notification").click()
    page.wait_for_load_state("domcontentloaded")

    assert "01:10 on 25 October 2026 happens twice" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("When did you become aware of it?").input_value() == "2026-10-25T01:10"
    assert_accessible(page)

    page.get_by_role("group", name="Which 01:10?").get_by_label("01:10 GMT, the second time").check()
    page.get_by_role("button", name="Send first notification").click()
    page.wait_for_load_state("domcontentloaded")
    incident = Incident.objects.get()
    assert incident.aware_at == datetime(2026, 10, 25, 1, 10, tzinfo=UTC)
    assert "Full report due 25 Oct 2026 13:10 GMT" in page.locator("main").inner_text()
