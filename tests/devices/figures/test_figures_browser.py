"""The Figures page in a real browser on the demo data: DO001 answers the smartphones request
(01.FOI.23.029741) for a date last month, saves the answer in the disclosure log and finds it
re-checked; every page axe clean."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from policy.selectors import policies_to_accept
from portal.demo import demo_password
from portal.models import User
from tests.conftest import assert_accessible, sign_in
from tests.policy.factories import accept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_data_office_answers_the_smartphones_request_for_a_date_last_month(page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    do001 = User.objects.get(payroll_number="DO001")
    for state in policies_to_accept(user=do001):  # past the conditions-of-use gate
        accept(do001, state.current)
    sign_in(page, live_server, do001, password=demo_password())

    page.goto(f"{live_server.url}{reverse('devices:figures')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Figures as of a date"
    assert_accessible(page)
    day = timezone.localdate() - datetime.timedelta(days=30)
    page.get_by_label("As of date").fill(day.isoformat())
    page.get_by_role("button", name="Show the figures").click()
    page.wait_for_load_state("domcontentloaded")
    # The request's questions: smartphones held, by department and team, Android and Apple, by make and model.
    for heading in (
        "People holding, and devices issued, by kind",
        "By operating system family",
        "Devices issued, by make and model",
        "By command unit and team",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("region", name="By operating system family").get_by_text("Android")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("FOI reference").fill("01.FOI.23.029741")
    page.get_by_role("button", name="Save in the disclosure log").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Figures given under 01.FOI.23.029741"
    expect(page.get_by_text("match the ones given, byte for byte")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Disclosure log").first.click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_role("link", name="01.FOI.23.029741")).to_be_visible()
    assert_accessible(page)
