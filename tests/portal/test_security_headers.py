"""Every response carries the security headers: CSP with a nonce, HSTS, frame, referrer and
permissions policies, and cookies the browser keeps from scripts and other sites."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_the_csp_allows_no_inline_script_or_style_and_no_framing(client_as):
    response = client_as("officer").get("/")
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_the_one_inline_script_carries_this_responses_nonce_and_no_markup_has_inline_style(client_as):
    client = client_as("officer")
    pages = [client.get("/"), client.get("/")]
    nonces = []
    for response in pages:
        html = response.content.decode()
        (nonce_in_header,) = [v for v in _csp(response)["script-src"] if v.startswith("'nonce-")]
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline == [f' nonce="{nonce_in_header[7:-1]}"']
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+=", html)
        nonces.append(nonce_in_header)
    assert nonces[0] != nonces[1]  # a fresh nonce for every response


def test_the_sign_in_page_and_the_admin_carry_the_policy_too(client, client_as):
    assert "script-src" in client.get("/accounts/login/").headers["Content-Security-Policy"]
    admin = client_as("portal_admin").get("/admin/")
    assert admin.status_code == 200
    assert "'unsafe-inline'" not in admin.headers["Content-Security-Policy"]


def test_frame_referrer_nosniff_and_permissions_policy(client):
    response = client.get("/accounts/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = dict(item.split("=", 1) for item in response.headers["Permissions-Policy"].split(", "))
    assert policy["camera"] == "()" and policy["geolocation"] == "()" and policy["microphone"] == "()"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SESSION_COOKIE_SECURE=True)
def test_hsts_on_https_in_production(client):
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/").headers  # never over plain http


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_httponly_and_same_site(client, officer):
    from tests.conftest import DEFAULT_PASSWORD

    login_page = client.get("/accounts/login/", secure=True)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/",
        {"login": officer.payroll_number, "password": DEFAULT_PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
