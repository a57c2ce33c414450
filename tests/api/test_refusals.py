"""The API's refusals in the security log: no valid token (401, by address), a token outside its
scope (403, against its service account). Once per caller and path a minute (portal.services)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.models import SecurityEvent

pytestmark = pytest.mark.django_db


def refusals():
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_DENIED).order_by("pk")


def test_an_api_call_without_a_token_is_recorded_by_address(settings):
    client = APIClient()
    assert client.get(reverse("api:device_list")).status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Bearer kbt_not-a-token")
    assert client.get(reverse("api:device_list")).status_code == 401  # same address, same path: once
    assert client.get(reverse("api:assignment_list")).status_code == 401
    events = list(refusals())
    assert [(e.user, e.ip_address, e.path) for e in events] == [
        (None, "127.0.0.1", reverse("api:device_list")),
        (None, "127.0.0.1", reverse("api:assignment_list")),
    ]
    assert events[0].detail.startswith("GET 401: api: ")


def test_a_token_outside_its_scope_is_recorded_against_its_service_account(api_as):
    client = api_as("read")
    response = client.post(reverse("api:hr_people"), {"people": []}, format="json")
    assert response.status_code == 403
    event = refusals().get()
    assert event.user == client.token.service_account
    assert event.detail == "POST 403: api: This token's scope does not allow this endpoint."


def test_a_token_used_as_it_should_be_records_nothing(api_as):
    assert api_as("read").get(reverse("api:device_list")).status_code == 200
    assert not refusals().exists()
