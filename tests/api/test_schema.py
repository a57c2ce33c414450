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


def _project_filtersets():
    """Every FilterSet of the project's apps: the URLconf imports every page's and the API's views."""
    import django_filters
    from django.urls import get_resolver

    get_resolver().url_patterns  # imports every view module
    found, todo = set(), [django_filters.FilterSet]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.split(".")[0] in {"api", "devices", "incidents", "policy", "portal"}:
                found.add(subclass)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _form_labels(filterset_class):
    """The labels the filterset's form shows, as a page builds it (KitGapFilterSet needs a user)."""
    from devices.requests.filters import KitGapFilterSet

    extra = {"user": None} if filterset_class is KitGapFilterSet else {}
    filters = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none(), **extra)
    return {name: str(field.label) for name, field in filters.form.fields.items()}


def test_every_filter_of_every_filterset_is_labelled_in_code():
    """django-filter derives a label from the model only on a FilterSet's own copy of its filters: one
    labelled in code shows the same label whatever read the class's base filters first."""
    filtersets = _project_filtersets()
    names = {cls.__name__ for cls in filtersets}
    assert {"DeviceFilterSet", "ActivityFilterSet", "IncidentFilterSet", "PersonComplianceFilterSet"} <= names
    assert {"AssignmentFilterSet", "ComplianceFilterSet", "KitGapFilterSet", "DashboardFilterSet"} <= names
    unlabelled = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in filtersets
        for name, filter_ in cls.base_filters.items()
        if filter_._label is None
    ]
    assert unlabelled == []


def test_reading_the_schema_leaves_the_pages_filter_labels_alone(tmp_path):
    """drf-spectacular builds fields from the API filtersets' base filters: a filter whose label
    django-filter derives from the model would then show Django's bare field name on the page."""
    filtersets = _project_filtersets()
    before = {cls: _form_labels(cls) for cls in filtersets}
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate")
    assert {cls: _form_labels(cls) for cls in filtersets} == before
    for cls in filtersets:  # and each is the label written in code
        assert before[cls] == {name: str(filter_.label) for name, filter_ in cls.base_filters.items()}, cls
    from devices.core.filters import DeviceFilterSet

    assert before[DeviceFilterSet]["kind"] == "Model kind"
