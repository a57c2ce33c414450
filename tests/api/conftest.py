"""Fixtures for the API: tokens of each scope and clients that send them."""

import pytest
from rest_framework.test import APIClient

from api import services


@pytest.fixture
def make_token(portal_admin):
    """make_token("mdm") -> (ApiToken, the secret), for a service account of its own."""

    def _make(scope: str, *, account: str | None = None, name: str | None = None):
        return services.api_token_create(
            actor=portal_admin,
            name=name or f"{scope} system",
            scope=scope,
            service_account_id=account or f"SVC{scope.upper()}",
        )

    return _make


@pytest.fixture
def api_as(make_token):
    """api_as("read") -> an APIClient sending a fresh token of that scope (client.token: the ApiToken)."""

    def _client(scope: str) -> APIClient:
        token, raw = make_token(scope)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.token = token
        return client

    return _client


# The device tests' fixtures: Tech Bars, models, devices with valid IMEIs, a held phone.
from tests.devices.conftest import (  # noqa: E402, F401
    bar,
    frozen,
    held_phone,
    issued,
    laptop_model,
    make_device,
    other_bar,
    phone_model,
)
