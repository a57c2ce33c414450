"""The OpenAPI schema is valid and documents every endpoint; the docs page serves Swagger UI from
our own static files."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/mdm/devices/",
        "/api/v1/mdm/remote-actions/",
        "/api/v1/hr/people/",
        "/api/v1/devices/",
        "/api/v1/devices/{asset_tag}/",
        "/api/v1/assignments/",
        "/api/v1/policies/",
        "/api/v1/policies/{slug}/compliance/",
        "/api/v1/leaver-cases/ready-for-account-closure/",
    }
    assert schema["components"]["securitySchemes"]["ApiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["ApiToken"]["description"],
    }


def test_the_schema_and_docs_for_a_portal_admin(client_as):
    client = client_as("portal_admin")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/mdm/devices/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "//unpkg" not in docs


@pytest.mark.parametrize("role", ["officer", "supervisor", "tech_bar_staff", "data_office"])
def test_the_schema_and_docs_are_not_for_every_signed_in_person(client_as, role):
    client = client_as(role)
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403


def test_anyone_else_is_sent_to_sign_in(client):
    for url in ("/api/schema/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("scope", ["mdm", "hr", "read"])
def test_a_valid_token_of_any_scope_reads_the_schema_and_docs(api_as, scope):
    client = api_as(scope)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/hr/people/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_a_revoked_or_unknown_token_is_refused_the_schema(api_as, portal_admin):
    from rest_framework.test import APIClient

    from api import services

    client = api_as("read")
    services.api_token_revoke(token=client.token, actor=portal_admin)
    assert client.get("/api/schema/").status_code == 401
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Bearer kbt_not-a-token")
    assert stranger.get("/api/schema/").status_code == 401
    assert b"/api/v1/" not in stranger.get("/api/schema/").content


def test_reading_the_schema_leaves_the_device_lists_filter_labels_alone(tmp_path):
    """drf-spectacular builds fields from the API filtersets' base filters: a filter whose label
    django-filter derives from the model would then show Django's bare field name on the page."""
    from devices.core.filters import DeviceFilterSet
    from devices.models import Device

    def labels():
        form = DeviceFilterSet(data={}, queryset=Device.objects.none()).form
        return {name: str(field.label) for name, field in form.fields.items()}

    before = labels()
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate")
    assert labels() == before
    assert before["kind"] == "Model kind"
