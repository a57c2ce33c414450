"""The front door in a real browser: sign in as a demo user, see the home page, axe clean."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Sign in")
    assert_accessible(page)


def test_sign_in_with_payroll_number_shows_home(page, live_server, officer):
    sign_in(page, live_server, officer)
    assert page.get_by_role("heading", level=1).inner_text() == f"Hello, {officer.first_name}"
    assert_accessible(page)


def test_wrong_password_shows_error_summary_and_keeps_what_was_typed(phone_page, live_server, officer):
    sign_in(phone_page, live_server, officer, password="not-the-password")
    summary = phone_page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    typed = phone_page.get_by_label("Payroll or warrant number, or email address").input_value()
    assert typed == officer.payroll_number
    assert_accessible(phone_page)
