"""Local passwords with Entra ID on: only break-glass accounts sign in (or reset) with one; everyone
else uses Entra ID. The reset page says the same whatever the address, and strangers get no email."""

import re

import pytest
from django.core import mail

from portal.models import SecurityEvent
from tests.admin_forms import person_change_data
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"


@pytest.fixture
def entra_on(settings):
    settings.ENTRA_CLIENT_ID = "kitbag-test"
    settings.ENTRA_SERVER_URL = "https://login.microsoftonline.example/tenant/v2.0"
    return settings


@pytest.fixture
def break_glass(db):
    return UserFactory(local_sign_in_allowed=True)


def _sign_in(client, login, password):
    return client.post(LOGIN, {"login": login, "password": password})


def _reset(client, email) -> str:
    """The page after asking for a reset, without its per-response CSP nonce, so that two answers
    can be compared: the same page whatever the address."""
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.status_code == 200
    return re.sub(r' nonce="[^"]+"', "", response.content.decode())


@pytest.mark.django_db
def test_with_entra_a_person_who_is_not_break_glass_cannot_use_a_password(client, officer, password, entra_on):
    response = _sign_in(client, officer.payroll_number, password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "There is a problem" in content
    assert "use the force account button" in content
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED, user=officer).get()
    assert "Entra ID" in event.detail


@pytest.mark.django_db
def test_with_entra_a_break_glass_account_signs_in_with_its_password(client, break_glass, password, entra_on):
    response = _sign_in(client, break_glass.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(break_glass.pk)


@pytest.mark.django_db
def test_without_entra_everyone_signs_in_with_a_password(client, officer, password):
    assert _sign_in(client, officer.payroll_number, password).status_code == 302


@pytest.mark.django_db
def test_with_entra_reset_emails_go_only_to_break_glass_accounts(client, officer, break_glass, entra_on):
    pages = [_reset(client, email) for email in (officer.email, "nobody@police.example")]
    assert mail.outbox == []

    pages.append(_reset(client, break_glass.email))
    assert [m.to for m in mail.outbox] == [[break_glass.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert pages[0] == pages[1] == pages[2]  # the page gives nothing away


@pytest.mark.django_db
def test_without_entra_reset_works_as_before_and_strangers_get_no_email(client, officer):
    unknown = _reset(client, "nobody@police.example")
    assert mail.outbox == []

    known = _reset(client, officer.email)
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert known == unknown


@pytest.mark.django_db
def test_portal_admin_marks_an_account_break_glass_in_the_admin(client, portal_admin, officer):
    client.force_login(portal_admin)
    url = f"/admin/portal/user/{officer.pk}/change/"
    assert "local_sign_in_allowed" in client.get(url).context["adminform"].form.fields
    data = person_change_data(client, url, officer, local_sign_in_allowed="on")
    assert client.post(url, data).status_code == 302
    officer.refresh_from_db()
    assert officer.local_sign_in_allowed is True


@pytest.mark.django_db
def test_tech_bar_staff_cannot_change_who_is_break_glass(client, tech_bar_staff, officer):
    client.force_login(tech_bar_staff)
    url = f"/admin/portal/user/{officer.pk}/change/"
    assert client.post(url, {"local_sign_in_allowed": "on"}).status_code == 403
    officer.refresh_from_db()
    assert officer.local_sign_in_allowed is False


OWN_PASSWORD_PAGES = ["/accounts/password/change/", "/accounts/password/set/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", OWN_PASSWORD_PAGES)
def test_with_entra_people_without_a_local_password_cannot_set_or_change_one(client, officer, password, entra_on, url):
    client.force_login(officer)  # as after an Entra ID sign-in
    response = client.get(url, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Your account signs in through Entra ID: change your password there" in response.content.decode()

    response = client.post(
        url, {"oldpassword": password, "password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!"}
    )
    assert response.status_code == 302 and response.url == "/"
    officer.refresh_from_db()
    assert officer.check_password(password) and not officer.check_password("N3w-pass-phrase!")


@pytest.mark.django_db
def test_with_entra_the_admins_password_change_is_refused_too(client, tech_bar_staff, password, entra_on):
    client.force_login(tech_bar_staff)
    response = client.post(
        "/admin/password_change/",
        {"old_password": password, "new_password1": "N3w-pass-phrase!", "new_password2": "N3w-pass-phrase!"},
        follow=True,
    )
    assert response.redirect_chain == [("/admin/", 302)]
    assert "change your password there" in response.content.decode()
    tech_bar_staff.refresh_from_db()
    assert tech_bar_staff.check_password(password)


@pytest.mark.django_db
def test_a_break_glass_account_changes_its_password_here(client, break_glass, password, entra_on):
    client.force_login(break_glass)
    assert client.get("/accounts/password/change/").status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!"},
    )
    assert response.status_code == 302
    break_glass.refresh_from_db()
    assert break_glass.check_password("N3w-pass-phrase!")


@pytest.mark.django_db
def test_without_entra_everyone_keeps_the_password_pages(client, officer, tech_bar_staff):
    client.force_login(officer)
    assert client.get("/accounts/password/change/").status_code == 200
    client.force_login(tech_bar_staff)
    assert client.get("/admin/password_change/").status_code == 200
    client.force_login(officer)  # the admin's page stays the admin's: not for an officer
    assert client.get("/admin/password_change/", follow=True).status_code == 403
