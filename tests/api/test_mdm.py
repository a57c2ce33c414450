"""The MDM's writes: devices upserted through the import's rules and services, all or none, and
wipes and SIM blocks reported done through devices.losses.services.remote."""

from datetime import timedelta

import pytest
from django.urls import reverse

from devices.demo import demo_imei
from devices.losses.services import losses
from devices.models import Device, DeviceEvent, RemoteAction
from incidents.models import IncidentEvent
from tests.devices.conftest import NOW

pytestmark = pytest.mark.django_db
URL = "/api/v1/mdm/devices/"


@pytest.fixture
def mdm(api_as):
    return api_as("mdm")


def _new(n: int, **fields) -> dict:
    return {
        "asset_tag": f"KB9{n:05d}",
        "serial_number": f"R58N{n:06d}",
        "imei": demo_imei(900000 + n),
        "model": "Samsung Galaxy XCover 7",
        "mdm_device_id": f"intune-{n}",
        "enrolled_on": "2026-05-01",
        "tech_bar": "hq",
        **fields,
    }


def test_the_url_is_the_documented_one():
    assert reverse("api:mdm_devices") == URL


def test_new_devices_are_received_into_stock_as_by_the_import(mdm, bar, phone_model):
    response = mdm.post(URL, {"devices": [_new(1), _new(2, phone_number="07700 900123")]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "devices": [
            {"index": 0, "asset_tag": "KB900001", "result": "created"},
            {"index": 1, "asset_tag": "KB900002", "result": "created"},
        ]
    }
    device = Device.objects.get(asset_tag="KB900002")
    assert device.status == Device.Status.IN_STOCK and device.tech_bar == bar and device.model == phone_model
    assert device.mdm_enrolment_id == "intune-2" and str(device.mdm_enrolled_on) == "2026-05-01"
    received = DeviceEvent.objects.get(device=device, kind=DeviceEvent.Kind.RECEIVED)
    assert received.actor == mdm.token.service_account and received.tech_bar == bar


def test_the_same_batch_twice_changes_nothing(mdm, bar, phone_model):
    batch = {"devices": [_new(1), _new(2)]}
    assert mdm.post(URL, batch, format="json").status_code == 200
    before = (Device.objects.count(), DeviceEvent.objects.count())
    again = mdm.post(URL, batch, format="json")
    assert again.status_code == 200
    assert [d["result"] for d in again.json()["devices"]] == ["unchanged", "unchanged"]
    assert (Device.objects.count(), DeviceEvent.objects.count()) == before


@pytest.mark.parametrize("identity", ["mdm_device_id", "serial_number", "imei", "asset_tag"])
def test_a_known_device_is_found_by_any_identity_and_only_its_details_change(mdm, held_phone, identity):
    item = {identity: getattr(held_phone, {"mdm_device_id": "mdm_enrolment_id"}.get(identity, identity))}
    response = mdm.post(URL, {"devices": [{**item, "phone_number": "07700 900999"}]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["devices"] == [{"index": 0, "asset_tag": held_phone.asset_tag, "result": "updated"}]
    device = Device.objects.get(pk=held_phone.pk)
    assert device.phone_number == "07700 900999"
    # what the item left out keeps its value; custody never moves through the MDM
    assert device.imei == held_phone.imei and device.serial_number == held_phone.serial_number
    assert device.status == Device.Status.ISSUED and device.tech_bar_id == held_phone.tech_bar_id


def test_a_bad_item_refuses_the_whole_batch_with_errors_per_item(mdm, bar, phone_model):
    batch = {
        "devices": [
            _new(1),
            _new(2, imei="123456789012345"),
            _new(3, model="Nokia 3310"),
            _new(4, tech_bar=""),
            _new(5),
        ]
    }
    response = mdm.post(URL, batch, format="json")
    assert response.status_code == 400
    errors = response.json()["devices"]
    assert errors[0] == {} and errors[4] == {}
    assert "not a valid IMEI" in errors[1]["imei"][0]
    assert "Unknown model" in errors[2]["model"][0]
    assert "Tech Bar" in errors[3]["tech_bar"][0]
    assert not Device.objects.filter(asset_tag__startswith="KB9").exists()
    assert not DeviceEvent.objects.exists()


def test_the_same_device_twice_in_a_batch_is_refused(mdm, bar, phone_model):
    response = mdm.post(URL, {"devices": [_new(1), _new(1)]}, format="json")
    assert response.status_code == 400
    assert "items of this batch" in response.json()["devices"][0]["asset_tag"][0]
    assert not Device.objects.exists()


def test_identities_naming_two_devices_are_refused(mdm, make_device):
    one, two = make_device(), make_device()
    response = mdm.post(
        URL,
        {"devices": [{"mdm_device_id": one.mdm_enrolment_id, "imei": two.imei, "phone_number": "1"}]},
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["devices"][0]["non_field_errors"][0]
    assert one.asset_tag in message and two.asset_tag in message
    assert Device.objects.get(pk=one.pk).phone_number == one.phone_number


def test_a_changed_asset_tag_is_refused(mdm, make_device):
    device = make_device()
    response = mdm.post(URL, {"devices": [{"imei": device.imei, "asset_tag": "KB777777"}]}, format="json")
    assert response.status_code == 400
    assert device.asset_tag in response.json()["devices"][0]["asset_tag"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"devices": [{**_new(1), "colour": "black"}]}, "colour"),
        ({"devices": [_new(1)], "dry_run": True}, "dry_run"),
    ],
)
def test_unknown_fields_are_refused(mdm, bar, phone_model, payload, field):
    response = mdm.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    found = body["devices"][0] if field == "colour" else body
    assert found[field] == ["Unknown field."]
    assert not Device.objects.exists()


def test_unknown_fields_and_every_other_items_errors_are_answered_together(mdm, bar, phone_model):
    batch = {
        "devices": [
            {**_new(1), "colour": "black", "enrolled_on": "soon"},
            _new(2, imei="123456789012345"),
            _new(3, model="Nokia 3310"),
            _new(4),
        ],
        "dry_run": True,
    }
    response = mdm.post(URL, batch, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["dry_run"] == ["Unknown field."]
    errors = body["devices"]
    assert len(errors) == 4
    assert errors[0]["colour"] == ["Unknown field."] and "enrolled_on" in errors[0]
    assert "not a valid IMEI" in errors[1]["imei"][0]
    assert "Unknown model" in errors[2]["model"][0]
    assert errors[3] == {}
    assert not Device.objects.exists()
    assert not DeviceEvent.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{}, {"devices": []}, {"devices": [{}]}, {"devices": "KB1"}, [], "x", {"devices": [{"enrolled_on": "soon"}]}],
)
def test_malformed_payloads_are_400(mdm, payload):
    assert mdm.post(URL, payload, format="json").status_code == 400


# --- remote actions --------------------------------------------------------------------------------
@pytest.fixture
def stolen(frozen, held_phone, officer):
    loss = losses.device_report_lost(
        device=held_phone, actor=officer, kind="stolen", noticed_at=NOW - timedelta(hours=1), where="Brixton"
    )
    return loss


ACTIONS = "/api/v1/mdm/remote-actions/"


def test_wipe_reported_done_closes_the_request(mdm, stolen, held_phone):
    wipe = stolen.remote_actions.get(kind=RemoteAction.Kind.WIPE)
    response = mdm.post(
        ACTIONS, {"kind": "wipe", "outcome": "done", "mdm_device_id": held_phone.mdm_enrolment_id}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    wipe.refresh_from_db()
    assert wipe.status == RemoteAction.Status.DONE and wipe.completed_by == mdm.token.service_account
    assert wipe.completed_at == NOW
    assert DeviceEvent.objects.filter(device=held_phone, kind=DeviceEvent.Kind.REMOTE_ACTION, note__contains="done")
    assert IncidentEvent.objects.filter(incident=stolen.incident, text__contains="Remote wipe of device").exists()
    # the SIM block is another request: still open
    assert stolen.remote_actions.get(kind=RemoteAction.Kind.SIM_BLOCK).status == RemoteAction.Status.REQUESTED
    # reported twice: answered, nothing changes
    again = mdm.post(ACTIONS, {"kind": "wipe", "outcome": "done", "imei": held_phone.imei}, format="json")
    assert again.status_code == 200 and again.json()["id"] == wipe.pk


def test_sim_block_reported_failed_needs_a_reason(mdm, stolen, held_phone):
    body = {"kind": "sim_block", "outcome": "failed", "asset_tag": held_phone.asset_tag}
    refused = mdm.post(ACTIONS, body, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    response = mdm.post(ACTIONS, {**body, "note": "Network refused: wrong account"}, format="json")
    assert response.status_code == 200
    block = stolen.remote_actions.get(kind=RemoteAction.Kind.SIM_BLOCK)
    assert block.status == RemoteAction.Status.FAILED and block.failure_reason == "Network refused: wrong account"


def test_nothing_waiting_is_409_and_an_unknown_device_400(mdm, held_phone):
    body = {"kind": "wipe", "outcome": "done"}
    assert mdm.post(ACTIONS, {**body, "asset_tag": held_phone.asset_tag}, format="json").status_code == 409
    assert mdm.post(ACTIONS, {**body, "asset_tag": "NOPE"}, format="json").status_code == 400
    assert mdm.post(ACTIONS, {**body, "asset_tag": "x", "why": 1}, format="json").json() == {"why": ["Unknown field."]}


@pytest.mark.parametrize("depth", [100_000, 5_000, 900, 25])
@pytest.mark.parametrize("url", [URL, ACTIONS, "/api/v1/hr/people/"])
def test_deeply_nested_json_is_a_400_in_json(api_as, url, depth):
    client = api_as("hr" if "/hr/" in url else "mdm")
    body = '{"devices": ' + "[" * depth + "]" * depth + "}"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert "nested" in response.json()["detail"]


def test_a_duplicate_key_under_concurrency_is_a_reason_in_json(mdm, bar, phone_model, monkeypatch):
    from tests.devices.imports.test_mdm_import import _a_concurrent_import_saved_them_first

    _a_concurrent_import_saved_them_first(monkeypatch)
    response = mdm.post(URL, {"devices": [_new(1)]}, format="json")
    assert response.status_code == 400
    body = response.content.decode()
    assert "duplicate key" not in body and "IntegrityError" not in body and "/work/" not in body
    assert "at the same moment" in response.json()["devices"][0]["non_field_errors"][0]
    assert not Device.objects.exists()
