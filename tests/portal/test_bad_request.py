"""Requests Django refuses before any view runs (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
fields) get the portal's own 400 page saying why, never a bare error or a 500."""

import pytest
from django.conf import settings
from django.urls import reverse

from incidents.models import Incident
from tests.conftest import assert_accessible, sign_in

START = reverse("incidents:incident_start")


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_friendly_400_and_nothing_is_saved(client, officer):
    client.force_login(officer)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * 1024 * 1024
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(START, {"summary": huge})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your request could not be accepted" in page
    assert "What you sent is too large: the limit is 10.0\xa0MB, not counting attached files" in page
    assert "Back" in page and "Nothing was saved" in page
    assert "govuk-service-navigation" in page and officer.payroll_number in page  # the portal's own page, signed in
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_signed_out_the_sign_in_form_refuses_an_oversized_body_the_same_way(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = client.post(reverse("account_login"), {"login": "P1", "password": "p" * 4096})
    assert response.status_code == 400
    assert "What you sent is too large: the limit is 2.0\xa0KB" in response.content.decode()


@pytest.mark.django_db
def test_too_many_fields_is_a_friendly_400(client, officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(officer)
    response = client.post(START, {f"field{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "too many parts" in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_any_other_refused_request_gets_the_same_page(client):
    response = client.get("/", headers={"host": "not-a-kitbag-host.example"})  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert "The request could not be understood." in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_in_a_browser_is_accessible(page, live_server, officer, settings):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}{START}")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # the CSRF token and one sentence are over it
    page.get_by_label("What happened, in a sentence").fill("Sent a statement to the wrong email address")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Send first notification").click()
    assert sent.value.status == 400
    page.get_by_role("heading", name="Your request could not be accepted").wait_for()
    assert_accessible(page)
