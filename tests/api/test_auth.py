"""Who gets in: tokens only (hashed, revocable), each scope only its endpoints, a rate per token."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken, token_hash

# Every API endpoint, with a request its scope would send (bodies may be refused as 400: only
# the scope check matters here), and what its own scope gets for that request. Every other scope
# gets 403, no valid token 401, a person's session 401, and a method the endpoint does not take 405
# (to its own scope; 403 to the others: the scope is checked first). A test below fails on an API
# URL missing here.
ENDPOINTS = [
    ("mdm", "post", "api:mdm_devices", None, {"devices": [{"asset_tag": "KB1"}]}),
    ("mdm", "post", "api:mdm_remote_actions", None, {"kind": "wipe", "outcome": "done", "asset_tag": "KB1"}),
    ("hr", "post", "api:hr_people", None, {"people": [{"payroll_number": "PC1"}]}),
    ("read", "get", "api:device_list", None, None),
    ("read", "get", "api:device_detail", {"asset_tag": "KB1"}, None),
    ("read", "get", "api:assignment_list", None, None),
    ("read", "get", "api:policy_list", None, None),
    ("read", "get", "api:policy_compliance", {"slug": "conditions-of-use"}, None),
    ("read", "get", "api:leaver_cases_ready", None, None),
]
OWN_SCOPE_GETS = {
    "api:mdm_devices": 400,  # the item lacks what a new device needs
    "api:mdm_remote_actions": 400,  # no such device
    "api:hr_people": 400,  # a new person needs a name and email
    "api:device_detail": 404,  # no such asset tag
    "api:policy_compliance": 404,  # no such policy in force
}
SCOPES = ["mdm", "hr", "read"]
METHODS = ["get", "post", "put", "patch", "delete"]
# For signed-in people, not tokens (tests/test_url_permissions.py has them).
NOT_TOKEN_ENDPOINTS = {"api:schema", "api:docs"}


def _call(client, method, name, kwargs, body):
    url = reverse(name, kwargs=kwargs)
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(("endpoint_scope", "method", "name", "kwargs", "body"), ENDPOINTS)
def test_each_scope_reaches_only_its_endpoints(api_as, scope, endpoint_scope, method, name, kwargs, body):
    response = _call(api_as(scope), method, name, kwargs, body)
    if scope == endpoint_scope:
        assert response.status_code == OWN_SCOPE_GETS.get(name, 200), response.content
    else:
        assert response.status_code == 403, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(("endpoint_scope", "method", "name", "kwargs", "body"), ENDPOINTS)
def test_a_method_the_endpoint_does_not_take(api_as, scope, endpoint_scope, method, name, kwargs, body):
    client = api_as(scope)
    for other in sorted(set(METHODS) - {method}):
        response = _call(client, other, name, kwargs, body or {})
        expected = 405 if scope == endpoint_scope else 403
        assert response.status_code == expected, f"{other.upper()} {name} with a {scope} token"
    anonymous = _call(APIClient(), "delete", name, kwargs, {})
    assert anonymous.status_code == 401


def test_every_api_endpoint_is_in_the_table():
    from django.urls import get_resolver

    api = get_resolver().namespace_dict["api"][1]
    names = {f"api:{p.name}" for p in api.url_patterns if p.name}
    listed = {name for _scope, _method, name, _kwargs, _body in ENDPOINTS}
    assert not names - listed - NOT_TOKEN_ENDPOINTS, f"add to ENDPOINTS: {sorted(names - listed - NOT_TOKEN_ENDPOINTS)}"
    assert not listed - names, f"no longer API URLs: {sorted(listed - names)}"
    assert set(OWN_SCOPE_GETS) <= listed


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint_scope", "method", "name", "kwargs", "body"), ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Bearer kbt_not-a-token", "Token abc", "Bearer", "Bearer a b"])
def test_no_valid_token_is_401(endpoint_scope, method, name, kwargs, body, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = _call(client, method, name, kwargs, body)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_a_revoked_token_is_401_at_once_and_logged(api_as, portal_admin, caplog):
    client = api_as("read")
    assert client.get(reverse("api:device_list")).status_code == 200
    services.api_token_revoke(token=client.token, actor=portal_admin)
    response = client.get(reverse("api:device_list"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown or revoked token."
    refused = [r.getMessage() for r in caplog.records if r.name == "api.authentication"]
    assert refused == [
        f"api token refused: revoked prefix={client.token.key_prefix} ip=127.0.0.1 path=/api/v1/devices/"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "tech_bar_staff", "data_office", "portal_admin"])
def test_a_persons_session_never_authenticates_the_api(client_as, role):
    client = client_as(role)
    assert client.get(reverse("api:device_list")).status_code == 401
    response = client.post(reverse("api:hr_people"), {"people": []}, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_only_a_hash_is_stored_and_use_is_recorded(make_token):
    token, raw = make_token("read")
    assert raw.startswith("kbt_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == token_hash(raw) and raw not in (stored.key_hash, stored.key_prefix)
    assert stored.last_used_at is None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get(reverse("api:device_list"))
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.django_db
def test_the_service_account_cannot_sign_in(make_token, client):
    token, _raw = make_token("hr", account="SVCHR")
    account = token.service_account
    assert account.payroll_number == "SVCHR"
    assert not account.is_active and not account.has_usable_password() and not account.local_sign_in_allowed
    assert account.email == "svchr@service-account.invalid" and not account.is_staff and not account.groups.exists()
    assert not client.login(username="SVCHR", password="")


@pytest.mark.django_db
def test_a_persons_payroll_number_is_not_a_service_account(make_token, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token("hr", account=officer.payroll_number)


@pytest.mark.django_db
def test_a_second_token_for_the_same_account(make_token):
    first, _ = make_token("mdm", account="SVCINTUNE")
    second, _ = make_token("mdm", account="svcintune", name="rotated")
    assert first.service_account_id == second.service_account_id


@pytest.mark.django_db
def test_requests_past_the_tokens_rate_are_429(api_as, settings):
    settings.KITBAG_API_RATES = {**settings.KITBAG_API_RATES, "read": "3/min"}
    client, other = api_as("read"), api_as("read")
    statuses = [client.get(reverse("api:device_list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # the limit is the token's own: another token of the same scope is not held back
    assert other.get(reverse("api:device_list")).status_code == 200
