"""Accepting the conditions of use in a real browser, on a phone, with axe checking each page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from policy.models import Acknowledgement
from tests.conftest import assert_accessible, sign_in
from tests.policy.factories import accept, published_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_gated_officer_reads_and_accepts_on_a_phone(phone_page, live_server, officer, portal_admin):
    version = published_version(by=portal_admin)
    page = phone_page

    sign_in(page, live_server, officer)
    # The gate sends them from the home page to the acceptance page.
    assert f"/policy/{version.policy.slug}/accept/" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == version.title
    # Long text stays inside the phone's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    # Pressing Accept without ticking the box: a clear error, nothing recorded.
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert not Acknowledgement.objects.exists()
    assert_accessible(page)

    page.get_by_label(f"I have read and accept the {version.policy.name}, version 1").check()
    page.get_by_role("button", name="Accept and continue").click()
    page.wait_for_url("**/receipt/**")
    assert page.locator(".govuk-panel__title").inner_text() == "Conditions accepted"
    assert version.content_hash in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    assert Acknowledgement.objects.filter(user=officer, version=version).count() == 1

    page.get_by_role("link", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Hello, {officer.first_name}"


def test_the_compliance_page_is_accessible(page, live_server, data_office, officer, portal_admin):
    version = published_version(by=portal_admin)
    accept(data_office, version)
    accept(officer, version)
    sign_in(page, live_server, data_office)
    page.goto(f"{live_server.url}{reverse('policy:compliance', kwargs={'slug': version.policy.slug})}")
    expect(page.locator("svg[role=img]")).to_be_visible()
    page.get_by_text("Show the chart's figures as a table").click()
    assert_accessible(page)
