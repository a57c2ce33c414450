"""README, Integration API: a Portal admin makes a token in the admin (API tokens -> Add), sees it
once, and the calling system uses it as `Authorization: Bearer <token>` against the live server."""

import pytest
import requests

from devices.demo import demo_imei
from devices.models import Device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_token(walk, *, name: str, scope: str, account: str) -> str:
    page = walk.page
    page.goto(f"{walk.url}/admin/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("link", name="Add API token").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Scope").select_option(scope)
    page.get_by_label("Service account").fill(account)
    walk.step(f"add-{scope}-token")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    token = page.get_by_label("Token").input_value()
    assert token.startswith("kbt_")
    walk.step(f"{scope}-token-shown-once")
    return token


def test_adm001_makes_tokens_and_the_mdm_and_a_reporting_tool_call_the_api(walk, demo):
    walk.sign_in("ADM001")
    read = make_token(walk, name="Power BI reports", scope="read", account="SVCREPORTS")
    mdm = make_token(walk, name="Intune inventory sync", scope="mdm", account="SVCINTUNE")
    api = f"{walk.url}/api/v1"

    listing = requests.get(f"{api}/devices/", headers={"Authorization": f"Bearer {read}"}, timeout=30)
    assert listing.status_code == 200 and listing.json()["count"] >= 300
    one = requests.get(f"{api}/devices/KB000001/", headers={"Authorization": f"Bearer {read}"}, timeout=30)
    assert one.status_code == 200 and one.json()["asset_tag"] == "KB000001"

    new = {
        "asset_tag": "KB900001",
        "serial_number": "R58N900001",
        "imei": demo_imei(900001),
        "model": "Samsung Galaxy XCover 7",
        "mdm_device_id": "intune-900001",
        "enrolled_on": "2026-05-01",
        "tech_bar": "hq",
    }
    upsert = requests.post(
        f"{api}/mdm/devices/", json={"devices": [new]}, headers={"Authorization": f"Bearer {mdm}"}, timeout=30
    )
    assert upsert.status_code == 200, upsert.text
    assert upsert.json()["devices"] == [{"index": 0, "asset_tag": "KB900001", "result": "created"}]
    assert Device.objects.get(asset_tag="KB900001").status == Device.Status.IN_STOCK

    # Scoped: the read token cannot write, and a browser session never authenticates the API.
    refused = requests.post(
        f"{api}/mdm/devices/", json={"devices": [new]}, headers={"Authorization": f"Bearer {read}"}, timeout=30
    )
    assert refused.status_code == 403
    assert walk.page.request.get(f"{api}/devices/").status == 401
