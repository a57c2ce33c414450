"""Failed sign-in limits: per account (whichever identifier was typed) and per client address,
set so that one person behind the force's proxy cannot lock everybody else out."""

import pytest

LOGIN = "/accounts/login/"
TOO_MANY = "Too many failed login attempts"


def _sign_in(client, login, password, **headers):
    return client.post(LOGIN, {"login": login, "password": password}, **headers)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_failures_by_payroll_number_and_email_count_against_one_account(client, officer, password, settings):
    identifiers = [officer.payroll_number, officer.email, officer.payroll_number.lower(), officer.email.upper()]
    for attempt in range(settings.LOGIN_ATTEMPTS_LIMIT):
        response = _sign_in(client, identifiers[attempt % len(identifiers)], "wrong-password")
        assert TOO_MANY not in response.content.decode()

    for login in (officer.email, officer.payroll_number):
        response = _sign_in(client, login, password)  # even the right password, by either identifier
        assert TOO_MANY in response.content.decode()
        assert not _signed_in(client)


@pytest.mark.django_db
def test_made_up_identifiers_from_one_address_do_not_block_a_real_person(client, officer, password):
    for number in range(10):
        _sign_in(client, f"NOBODY{number:03d}", "guess", REMOTE_ADDR="10.9.9.9")
        _sign_in(client, f"nobody{number}@police.example", "guess", REMOTE_ADDR="10.9.9.9")

    response = _sign_in(client, officer.payroll_number, password, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_an_unknown_identifier_is_still_limited(client, settings):
    for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
        assert TOO_MANY not in _sign_in(client, "NOBODY1", "guess").content.decode()
    assert TOO_MANY in _sign_in(client, "nobody1", "guess").content.decode()


def test_the_address_limit_is_high_enough_for_a_shared_proxy(settings):
    rates = dict(part.rsplit("/", 1)[::-1] for part in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","))
    amount, period = rates["ip"].split("/")
    assert (int(amount), period) == (settings.LOGIN_ATTEMPTS_PER_ADDRESS_LIMIT, "m")
    assert settings.LOGIN_ATTEMPTS_PER_ADDRESS_LIMIT >= 100
    assert rates["key"] == f"{settings.LOGIN_ATTEMPTS_LIMIT}/{settings.LOGIN_ATTEMPTS_TIMEOUT}s"


@pytest.mark.django_db
def test_the_address_limit_counts_the_client_behind_the_proxy(client, officer, password, settings):
    settings.USE_X_FORWARDED_FOR = True
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,5/300s/key"}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for number in range(3):
        _sign_in(client, f"NOBODY{number}", "guess", HTTP_X_FORWARDED_FOR="192.0.2.66", **proxy)
    assert TOO_MANY in _sign_in(client, "NOBODY9", "guess", HTTP_X_FORWARDED_FOR="192.0.2.66", **proxy).content.decode()

    # Everyone else comes through the same proxy, from their own address.
    response = _sign_in(client, officer.payroll_number, password, HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy)
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_stations_shift_change_from_one_address_is_not_refused_before_the_failure_limit(settings, password):
    """allauth's own limit on every sign-in (30 a minute per address by default) must not bite
    before the documented limit of failed sign-ins per address."""
    from django.test import Client

    from tests.factories import UserFactory

    station = {"REMOTE_ADDR": "10.20.30.40"}
    officers = UserFactory.create_batch(45)
    for number, officer in enumerate(officers):
        client = Client()
        if number % 9 == 0:  # a few mistype first
            response = _sign_in(client, officer.payroll_number, "wrong-password", **station)
            assert response.status_code == 200 and not _signed_in(client)
        response = _sign_in(client, officer.payroll_number, password, **station)
        assert response.status_code == 302, f"sign-in {number + 1} from the station refused ({response.status_code})"
        assert _signed_in(client)
