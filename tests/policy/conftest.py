"""Fixtures for the policy pages: the version in force and an officer the gate stops."""

import pytest

from tests.policy.factories import published_version


@pytest.fixture
def version(portal_admin):
    """Version 1 of the conditions of use, in force since yesterday, no grace period."""
    return published_version(by=portal_admin)


@pytest.fixture
def gated(client, officer, version):
    """An officer who has not accepted the version in force, signed in."""
    client.force_login(officer)
    return client
