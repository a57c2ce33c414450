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


def test_the_schema_and_docs_for_a_signed_in_person(client_as):
    client = client_as("officer")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/mdm/devices/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "//unpkg" not in docs
