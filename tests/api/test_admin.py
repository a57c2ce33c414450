"""Portal admins create API tokens in the admin (the secret shown once) and revoke them."""

import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from api.models import ApiToken, token_hash

pytestmark = pytest.mark.django_db
ADD = "/admin/api/apitoken/add/"


def test_the_admin_urls():
    assert reverse("admin:api_apitoken_add") == ADD


def test_a_portal_admin_creates_a_token_and_sees_it_once(client, portal_admin):
    client.force_login(portal_admin)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"name": "Intune inventory sync", "scope": "mdm", "service_account_id": "svcintune"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw = re.search(r'value="(kbt_[^"]+)"', html).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(raw) and token.created_by == portal_admin
    assert token.service_account.payroll_number == "SVCINTUNE" and token.scope == "mdm"
    assert LogEntry.objects.get_for_object(token).get().actor == portal_admin
    # the change page never shows it again
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert raw not in page and token.key_prefix in page


def test_a_persons_payroll_number_is_refused_on_the_form(client, portal_admin, officer):
    client.force_login(portal_admin)
    response = client.post(ADD, {"name": "HR", "scope": "hr", "service_account_id": officer.payroll_number})
    assert response.status_code == 200
    assert "a person&#x27;s payroll number" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_from_the_list(client, portal_admin, make_token):
    token, raw = make_token("read")
    client.force_login(portal_admin)
    response = client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/devices/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_tech_bar_staff_cannot_create_tokens(client, tech_bar_staff):
    client.force_login(tech_bar_staff)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"name": "x", "scope": "read", "service_account_id": "SVCX"}).status_code == 403
    assert not ApiToken.objects.exists()
