"""In a browser: a Portal admin creates a token and copies it from an accessible page; the API's
docs run Swagger UI entirely from Kitbag's own static files."""

import pytest

from api.models import ApiToken, token_hash
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_portal_admin_creates_a_token_and_copies_it(page, live_server, portal_admin):
    sign_in(page, live_server, portal_admin)
    page.goto(f"{live_server.url}/admin/api/apitoken/add/")
    page.get_by_label("Name").fill("Intune inventory sync")
    page.get_by_label("Scope").select_option("mdm")
    page.get_by_label("Service account").fill("SVCINTUNE")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    raw = page.get_by_label("Token").input_value()
    assert ApiToken.objects.get().key_hash == token_hash(raw)
    assert_accessible(page)


def test_the_docs_use_only_kitbags_own_files(page, live_server, portal_admin):
    sign_in(page, live_server, portal_admin)
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("/api/v1/mdm/devices/").first.wait_for()
    assert elsewhere == []
