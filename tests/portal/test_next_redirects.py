"""`next=` sends nobody off the site: sign-in, sign-out (portal and admin) and the policy gate's
acceptance each ignore a target on another host, or one a browser would read as another host."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.policy.factories import published_version

HOSTILE = [
    "https://evil.example/",
    "http://evil.example/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:///evil.example",
    "https:evil.example",
    " //evil.example",
    "\t//evil.example",
    "https://testserver@evil.example/",
    "https://testserver/",  # this host, but a URL, not a path
]


def _is_local_path(location: str) -> bool:
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and "evil" not in location.split("?", 1)[0]
    )


def _landing(response, *, this_hosts_url_ok=False) -> str:
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    if this_hosts_url_ok and urlsplit(location).netloc == "testserver":
        location = urlsplit(location).path
    assert _is_local_path(location), location
    return location


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_goes_home_not_to_next(client, officer, password, target):
    response = client.post(
        reverse("account_login"), {"login": officer.payroll_number, "password": password, "next": target}
    )
    assert _landing(response) == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_through_the_query_string_too(client, officer, password, target):
    url = f"{reverse('account_login')}?{_query(target)}"
    response = client.post(url, {"login": officer.payroll_number, "password": password})
    assert _landing(response) == reverse("portal:home")


@pytest.mark.django_db
def test_a_local_next_is_still_followed(client, officer, password):
    target = "/devices/mine/?tab=2"
    response = client.post(
        reverse("account_login"), {"login": officer.payroll_number, "password": password, "next": target}
    )
    assert _landing(response) == target


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_sign_out_goes_to_sign_in_not_to_next(client, officer, target):
    client.force_login(officer)
    response = client.post(reverse("account_logout"), {"next": target})
    assert _landing(response) == reverse("account_login")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_admin_sign_out_stays_on_the_site(client, tech_bar_staff, target):
    client.force_login(tech_bar_staff)
    # Django's own LogoutView: it also allows this host's absolute URL, which is still this site
    _landing(client.post(reverse("admin:logout"), {"next": target}), this_hosts_url_ok=True)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_the_admin_sign_in_hands_on_no_foreign_next(client, officer, password, target):
    sent_to = _landing(client.get(f"{reverse('admin:login')}?{_query(target)}"))
    # whatever next the admin passes to the portal's sign-in, signing in there lands locally
    response = client.post(sent_to, {"login": officer.payroll_number, "password": password})
    _landing(response)


@pytest.mark.django_db
@pytest.mark.parametrize("target", HOSTILE)
def test_accepting_a_policy_ignores_a_foreign_next(client, officer, portal_admin, target):
    from tests.policy.test_views import token_from

    version = published_version(by=portal_admin)
    client.force_login(officer)
    accept = f"{reverse('policy:accept', kwargs={'slug': version.policy.slug})}?{_query(target)}"
    page = client.get(accept)
    assert 'name="next"' not in page.content.decode()
    response = client.post(accept, {"shown": token_from(page), "confirm": "on", "next": target})
    receipt = reverse("policy:receipt", kwargs={"slug": version.policy.slug, "number": version.number})
    assert _landing(response) == receipt
    assert 'href="/">Continue' in client.get(receipt).content.decode()


def _query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})
