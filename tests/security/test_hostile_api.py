"""Generated hostile JSON into every API write (api/views/writes.py): wrong types, unicode, control
characters, NUL, huge strings, nonsense dates, missing and unexpected keys, bad items beside good
ones, bodies that are not JSON at all. Never a server error; a refusal (4xx) says why and changes no
row (batches are all or none); only a 2xx writes. tests/api/test_fuzz.py sends the schema's shapes."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from rest_framework.test import APIClient

from api import services
from devices.models import DeviceModel, TechBar
from portal.resources import HR_COLUMNS
from tests.security import hostile

json_scalar = st.one_of(
    hostile.scalar,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_value = st.one_of(
    json_scalar, st.lists(json_scalar, max_size=3), st.dictionaries(st.text(max_size=5), json_scalar, max_size=2)
)

GOOD_DEVICE = {"asset_tag": "KBAPI1", "serial_number": "R58API1", "model": "Samsung Galaxy XCover 7", "tech_bar": "hq"}
GOOD_PERSON = {"payroll_number": "P900001", "first_name": "Ada", "last_name": "Lovell", "email": "ada@example.org"}

MDM_DEVICE = [
    "mdm_device_id",
    "serial_number",
    "imei",
    "asset_tag",
    "model",
    "phone_number",
    "sim_iccid",
    "enrolled_on",
]
REMOTE_ACTION = ["mdm_device_id", "serial_number", "imei", "asset_tag", "kind", "outcome", "note"]
PERSON = HR_COLUMNS  # the HR file's columns are the API's person fields


def item(fields: list[str], good: dict | None):
    """One object with these keys, each hostile, valid-looking (from the good item) or missing."""

    def value(name):
        candidates = [json_value]
        if good and name in good:
            candidates.append(st.just(good[name]))
        return st.one_of(st.just(hostile.MISSING), *candidates)

    generated = st.fixed_dictionaries({name: value(name) for name in fields}).map(
        lambda d: {k: v for k, v in d.items() if v is not hostile.MISSING}
    )
    return st.one_of(generated, st.just(good)) if good else generated


def batch(key: str, fields: list[str], good: dict):
    return st.one_of(
        st.builds(lambda items: {key: items}, st.lists(item(fields, good), max_size=4)),
        st.builds(lambda v: {key: v}, json_value),  # the list is not a list
        json_value,  # the body is not an object
    )


ENDPOINTS = {
    "mdm devices": ("api:mdm_devices", "mdm", batch("devices", [*MDM_DEVICE, "tech_bar"], GOOD_DEVICE)),
    "mdm remote actions": ("api:mdm_remote_actions", "mdm", item(REMOTE_ACTION, {"asset_tag": "KBAPI1"})),
    "hr people": ("api:hr_people", "hr", batch("people", PERSON, GOOD_PERSON)),
}
NOT_JSON = [b"", b"{", b"\x00\x01\x02", b"\xff\xfe{}", b'{"devices": [' * 200, b'{"a": "\\ud800"}']
# Rows a request may touch without writing: the token's last use, the session.
BOOKKEEPING = frozenset({"api.apitoken", "sessions.session"})


@pytest.fixture
def api_client(portal_admin, settings):
    settings.KITBAG_API_RATES = {}  # the limiter is tested in tests/api; here every example meets the view
    TechBar.objects.get_or_create(code="hq", defaults={"name": "HQ Tech Bar"})
    DeviceModel.objects.get_or_create(make="Samsung", model_name="Galaxy XCover 7", kind="smartphone")

    def _client(scope):
        _, raw = services.api_token_create(
            actor=portal_admin, name=f"hostile {scope}", scope=scope, service_account_id=f"SVCHOSTILE{scope.upper()}"
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return _client


def _check(client, url, body: bytes):
    cache.clear()
    before = hostile.database_state(ignore=BOOKKEEPING)
    response = client.generic("POST", url, body, content_type="application/json")
    assert response.status_code < 500, (url, body[:300], response.status_code)
    if response.status_code >= 400:
        changed = hostile.changed_models(before, hostile.database_state(ignore=BOOKKEEPING))
        assert not changed, (url, response.status_code, changed, body[:300])
        assert hostile.shows_an_error(response), (url, response.status_code, response.content[:300])
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_hostile_json_is_refused_cleanly_and_changes_nothing(endpoint, api_client):
    url_name, scope, payloads = endpoint
    client, url = api_client(scope), reverse(url_name)

    @examples(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(payload=payloads)
    def post_hostile(payload):
        _check(client, url, json.dumps(payload).encode())

    post_hostile()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
@pytest.mark.parametrize("body", NOT_JSON, ids=range(len(NOT_JSON)))
def test_a_body_that_is_not_json_is_a_400(endpoint, body, api_client):
    url_name, scope, _ = endpoint
    response = _check(api_client(scope), reverse(url_name), body)
    assert response.status_code == 400


@pytest.mark.django_db
def test_one_bad_person_in_a_batch_writes_nobody(api_client):
    from portal.models import User

    client = api_client("hr")
    people = User.objects.count()
    bad = {**GOOD_PERSON, "payroll_number": "P900002", "email": "not an email\x00"}
    response = _check(client, reverse("api:hr_people"), json.dumps({"people": [GOOD_PERSON, bad]}).encode())
    assert response.status_code == 400
    assert response.json()["people"][0] == {} and response.json()["people"][1]
    assert User.objects.count() == people
