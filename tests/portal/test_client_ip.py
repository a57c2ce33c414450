"""Client addresses: behind the proxy, the address it appended to X-Forwarded-For, validated; never
what the client wrote, never something that is not an address."""

import pytest
from allauth.account.adapter import get_adapter
from auditlog.models import LogEntry
from django.test import RequestFactory

from portal.models import SecurityEvent
from portal.net import client_ip
from tests.admin_forms import person_change_data

LOGIN = "/accounts/login/"


def _request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_proxy(settings):
    settings.USE_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        # The client wrote the first entries; the force's proxy appended the last one.
        ("1.2.3.4, 203.0.113.7", "203.0.113.7"),
        ("1.2.3.4,203.0.113.7", "203.0.113.7"),
        ("not-an-ip, 203.0.113.7", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        # Nothing usable from the proxy: the connecting address.
        ("203.0.113.7, not-an-ip", "10.0.0.1"),
        ("not-an-ip", "10.0.0.1"),
        ("203.0.113.7:5555", "10.0.0.1"),
        ("", "10.0.0.1"),
        (None, "10.0.0.1"),
    ],
)
def test_behind_one_proxy_the_address_it_appended_is_taken(behind_proxy, forwarded, expected):
    assert client_ip(_request(forwarded=forwarded)) == expected


def test_with_two_proxies_the_second_from_the_right_is_taken(behind_proxy):
    behind_proxy.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    # Fewer entries than trusted proxies: no address the proxies vouch for.
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.1"


def test_without_the_setting_the_header_is_ignored(settings):
    settings.USE_X_FORWARDED_FOR = False
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.1"


def test_an_invalid_connecting_address_is_never_returned(settings):
    settings.USE_X_FORWARDED_FOR = False
    assert client_ip(_request(remote="not-an-ip")) is None
    assert client_ip(None) is None


@pytest.mark.django_db
def test_security_events_store_the_proxy_appended_address(client, behind_proxy, officer):
    client.post(
        LOGIN,
        {"login": officer.payroll_number, "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    client.post(
        LOGIN, {"login": officer.payroll_number, "password": "wrong-password"}, HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    addresses = list(
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED)
        .order_by("pk")
        .values_list("ip_address", flat=True)
    )
    assert addresses == ["203.0.113.7", "127.0.0.1"]


@pytest.mark.django_db
def test_allauth_rate_limits_count_the_same_address(behind_proxy):
    request = _request(forwarded="6.6.6.6, 203.0.113.7")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


def _change_team(client, portal_admin, person, team, **headers):
    client.force_login(portal_admin)
    url = f"/admin/portal/user/{person.pk}/change/"
    data = person_change_data(client, url, person, team=team)
    response = client.post(url, data, **headers)
    assert response.status_code == 302
    return LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).latest("timestamp")


@pytest.mark.django_db
def test_audit_log_ignores_a_forwarded_header_the_settings_do_not_trust(client, portal_admin, officer, settings):
    settings.USE_X_FORWARDED_FOR = False
    entry = _change_team(
        client, portal_admin, officer, "Custody", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert entry.remote_addr == "10.1.2.3"


@pytest.mark.django_db
def test_audit_log_takes_the_proxy_appended_address(client, portal_admin, officer, behind_proxy):
    entry = _change_team(
        client, portal_admin, officer, "Custody", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert entry.remote_addr == "203.0.113.7"
    entry = _change_team(client, portal_admin, officer, "Roads", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="nope")
    assert entry.remote_addr == "10.1.2.3"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_hostile_forwarded_header_never_reaches_an_inet_column(client, portal_admin, officer, settings):
    """PostgreSQL refuses 'not-an-ip' in an inet column: a 500 and a lost record if it got there."""
    for trusted in (False, True):
        settings.USE_X_FORWARDED_FOR = trusted
        client.logout()
        client.post(LOGIN, {"login": officer.payroll_number, "password": "wrong"}, HTTP_X_FORWARDED_FOR="not-an-ip")
        entry = _change_team(
            client, portal_admin, officer, f"Team {trusted}", HTTP_X_FORWARDED_FOR="not-an-ip, also-not"
        )
        assert entry.remote_addr == "127.0.0.1"
    failed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED)
    assert list(failed.values_list("ip_address", flat=True)) == ["127.0.0.1", "127.0.0.1"]
