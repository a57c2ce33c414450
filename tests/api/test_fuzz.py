"""Schemathesis against the API's own schema: generated requests of every shape (valid and not) to
every endpoint, with a token of the endpoint's scope, never get a 500. Runs in the normal suite
(and so in CI); the example count keeps it to well under a minute."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api import services
from devices.models import DeviceModel, TechBar


@pytest.fixture
def api_schema(db):
    generated = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(generated, cls=DjangoJSONEncoder)))
    schema.app = WSGIHandler()
    # As Django's test client does: the end of a request must not close the test's connection
    # (on PostgreSQL that would end the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(portal_admin, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.KITBAG_API_RATES = {}  # many requests a second here: the limit is tested elsewhere
    # something for the generated requests to meet: a Tech Bar and a model the MDM may name
    TechBar.objects.get_or_create(code="hq", defaults={"name": "HQ Tech Bar"})
    DeviceModel.objects.get_or_create(make="Samsung", model_name="Galaxy XCover 7", kind="smartphone")
    return {
        scope: services.api_token_create(
            actor=portal_admin, name=f"fuzz {scope}", scope=scope, service_account_id=f"SVCFUZZ{scope.upper()}"
        )[1]
        for scope in ("mdm", "hr", "read")
    }


schema = schemathesis.pytest.from_fixture("api_schema")


def _scope_of(path: str) -> str:
    for scope in ("mdm", "hr"):
        if path.startswith(f"/api/v1/{scope}/"):
            return scope
    return "read"


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_no_request_gets_a_server_error(case, tokens):
    token = tokens[_scope_of(case.path)]
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
    # with the endpoint's token, the answer is about the request, never about who sent it (schemathesis
    # also sends requests without it or with another: those alone may be refused)
    if response.status_code in (401, 403):
        assert response.request.headers.get("Authorization") != f"Bearer {token}", (case.path, response.status_code)
