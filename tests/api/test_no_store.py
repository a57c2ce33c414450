"""API answers carry people's data (holders, payroll numbers): no cache keeps them."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_token_holders_answer_says_no_store(api_as):
    response = api_as("read").get("/api/v1/devices/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_may_be_cached_even_for_a_signed_in_person(client, officer, settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.middleware import NoStoreMiddleware

    request = RequestFactory().get("/static/portal/site.css")
    request.user = officer
    response = NoStoreMiddleware(lambda request: HttpResponse("body {}"))(request)
    assert "no-store" not in response.get("Cache-Control", "")
    request = RequestFactory().get("/my-kit/")
    request.user = officer
    assert "no-store" in NoStoreMiddleware(lambda request: HttpResponse("kit"))(request)["Cache-Control"]
