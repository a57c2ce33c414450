"""Sign-in: payroll number or email, wrong passwords, rate limits, no self sign-up, timeouts."""

import time

import pytest
from django.urls import reverse

from portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from portal.models import SecurityEvent

LOGIN = "/accounts/login/"


def _sign_in(client, login, password):
    return client.post(LOGIN, {"login": login, "password": password})


@pytest.mark.django_db
def test_sign_in_with_payroll_number(client, officer, password):
    response = _sign_in(client, officer.payroll_number, password)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert client.get("/").context["user"] == officer
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_IN, user=officer).exists()


@pytest.mark.django_db
def test_sign_in_with_email(client, officer, password):
    response = _sign_in(client, officer.email.upper(), password)
    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_keeps_the_login(client, officer):
    response = _sign_in(client, officer.payroll_number, "wrong-password")
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'value="{officer.payroll_number}"' in content
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SIGN_IN_FAILED)
    assert event.identifier == officer.payroll_number
    assert event.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_repeated_failures_are_rate_limited(client, officer, password, settings):
    for _ in range(settings.LOGIN_ATTEMPTS_LIMIT):
        assert _sign_in(client, officer.payroll_number, "wrong-password").status_code == 200
    response = _sign_in(client, officer.payroll_number, password)  # even the right password now
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/signup/", "/accounts/3rdparty/signup/", "/accounts/email/"])
def test_sign_up_and_email_change_are_gone(client, officer, url):
    client.force_login(officer)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"email": "new@police.example", "username": "X1", "password1": "a-long-password-1"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_sign_in_page_has_no_sign_up_link(client):
    assert "signup" not in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_deactivated_person_is_signed_out_at_once(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.django_db
def test_idle_session_times_out(client, officer, settings):
    client.force_login(officer)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 60
    session[LAST_SEEN_AT] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSION_EXPIRED, detail="idle timeout").exists()


@pytest.mark.django_db
def test_busy_session_still_ends_at_the_absolute_limit(client, officer, settings):
    client.force_login(officer)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_TIMEOUT - 1
    session[LAST_SEEN_AT] = time.time()
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSION_EXPIRED, detail="absolute timeout").exists()


@pytest.mark.django_db
def test_active_session_is_kept(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_refused_permission_is_logged(client, officer):
    client.force_login(officer)
    assert client.get("/admin/").status_code in (302, 403)
    client.get("/admin/login/?next=/admin/")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION_DENIED, user=officer).exists()


@pytest.mark.django_db
def test_sign_out(client, officer):
    client.force_login(officer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_OUT, user=officer).exists()
