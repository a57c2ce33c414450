"""Entra ID sign-in end to end: allauth's OpenID Connect provider against a real local OIDC provider.

oidc-provider-mock runs a standards-conforming provider (discovery, authorize, token, JWKS,
userinfo) on a local port; allauth talks to it over HTTP exactly as it would to Entra ID.
"""

from urllib.parse import urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from oidc_provider_mock import User as OidcUser
from oidc_provider_mock import run_server_in_thread

from portal.models import SecurityEvent, User
from tests.factories import UserFactory

# The identities the local provider knows, as Entra ID would describe them in its claims.
IDENTITIES = [
    OidcUser(sub="entra-oid-1", claims={"email": "Amina.Khan@police.example"}),
    OidcUser(sub="entra-oid-2", claims={"email": "personal.alias@police.example", "employeeid": "w12345"}),
    OidcUser(sub="entra-oid-3", claims={"email": "lucy.bell@police.example"}),
    OidcUser(sub="entra-oid-4", claims={"email": "stranger@example.com"}),
    OidcUser(sub="entra-oid-5", claims={"email": "gone@police.example"}),
]


def _entra_app(server_url):
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "entra",
                    "name": "Sign in with your force account",
                    "client_id": "kitbag-test",
                    "secret": "kitbag-test-secret",
                    "settings": {"server_url": server_url, "token_auth_method": "client_secret_post"},
                }
            ],
        }
    }


@pytest.fixture
def entra(settings):
    """A local OIDC provider, wired in as the "entra" app; yields its URL."""
    with run_server_in_thread(user_claims=IDENTITIES) as server:
        url = f"http://localhost:{server.server_port}"
        settings.SOCIALACCOUNT_PROVIDERS = _entra_app(url)
        yield url


def _sign_in_through_provider(client, server_url, sub):
    start = client.post("/accounts/oidc/entra/login/")
    assert start.status_code == 302, start.content
    assert start.url.startswith(server_url)
    # The person picks their identity at the provider (Entra ID would ask for password and MFA).
    at_provider = requests.post(start.url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    callback = urlparse(at_provider.headers["Location"])
    assert callback.path == "/accounts/oidc/entra/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_entra_sign_in_matches_the_person_by_email(client, entra):
    officer = UserFactory(email="amina.khan@police.example")

    response = _sign_in_through_provider(client, entra, "entra-oid-1")

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert SocialAccount.objects.get(provider="entra").user == officer
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_IN, user=officer).exists()


@pytest.mark.django_db
def test_entra_sign_in_matches_by_payroll_claim_first(client, entra):
    officer = UserFactory(payroll_number="W12345", email="someone.else@police.example")
    _sign_in_through_provider(client, entra, "entra-oid-2")
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.mark.django_db
def test_second_sign_in_uses_the_connected_account(client, entra):
    officer = UserFactory(email="lucy.bell@police.example")
    _sign_in_through_provider(client, entra, "entra-oid-3")
    client.logout()
    _sign_in_through_provider(client, entra, "entra-oid-3")

    assert client.session["_auth_user_id"] == str(officer.pk)
    assert SocialAccount.objects.filter(user=officer).count() == 1


@pytest.mark.django_db
def test_unknown_identity_is_refused_and_nobody_is_created(client, entra):
    UserFactory(email="known@police.example")
    people = User.objects.count()

    _sign_in_through_provider(client, entra, "entra-oid-4")

    assert "_auth_user_id" not in client.session
    assert User.objects.count() == people
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_deactivated_person_cannot_sign_in_with_entra(client, entra):
    UserFactory(email="gone@police.example", is_active=False)
    _sign_in_through_provider(client, entra, "entra-oid-5")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_page_offers_entra_when_configured(client, entra):
    assert "Sign in with your force account" in client.get("/accounts/login/").content.decode()
