"""The Intune adapter against recorded Microsoft Graph responses: the exact requests it makes,
and what it does with Graph's refusals. No network: a fake transport answers for Graph."""

import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from devices.losses import mdm
from devices.models import RemoteAction

TENANT = "8f3b6c2e-0000-4000-8000-00000000f00d"
LOGIN = f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
GRAPH = "https://graph.microsoft.com/v1.0"

# Shapes as Microsoft Graph v1.0 answers them (trimmed to the fields Kitbag reads).
TOKEN = {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAi.fake.token"}
MANAGED_COMPANY = {
    "@odata.context": f"{GRAPH}/$metadata#deviceManagement/managedDevices/$entity",
    "id": "705c034c-034c-705c-4c03-5c704c035c70",
    "deviceName": "KB000001",
    "serialNumber": "R58N000001",
    "managedDeviceOwnerType": "company",
    "operatingSystem": "Android",
}
NOT_FOUND = {"error": {"code": "ResourceNotFound", "message": "Resource not found"}}
FORBIDDEN = {"error": {"code": "Forbidden", "message": "Application is not authorized to perform this operation."}}


class RecordedGraph(requests.adapters.BaseAdapter):
    """A requests transport that answers from a script of (method, url) -> (status, body) and
    keeps every request it was sent."""

    def __init__(self, script: dict):
        super().__init__()
        self.script = script
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        key = (request.method, unquote(request.url))
        if key not in self.script:
            raise AssertionError(f"unexpected request {key}")
        status, body = self.script[key]
        response = requests.Response()
        response.status_code = status
        response._content = b"" if body is None else json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def intune(settings):
    settings.INTUNE_TENANT_ID = TENANT
    settings.INTUNE_CLIENT_ID = "kitbag-client-id"
    settings.INTUNE_CLIENT_SECRET = "kitbag-client-secret"

    def _adapter(script):
        transport = RecordedGraph(script)
        session = requests.Session()
        session.mount("https://", transport)
        return mdm.IntuneAdapter(session=session), transport

    return _adapter


def _wipe_for(device, officer):
    return RemoteAction(device=device, kind=RemoteAction.Kind.WIPE, requested_by=officer)


def _assert_token_request(request):
    assert (request.method, request.url) == ("POST", LOGIN)
    assert parse_qs(request.body) == {
        "client_id": ["kitbag-client-id"],
        "client_secret": ["kitbag-client-secret"],
        "scope": ["https://graph.microsoft.com/.default"],
        "grant_type": ["client_credentials"],
    }


@pytest.mark.django_db
def test_a_wipe_finds_the_device_by_its_mdm_id_and_posts_wipe(intune, make_device, officer):
    device = make_device()
    managed = f"{GRAPH}/deviceManagement/managedDevices/{device.mdm_enrolment_id}"
    adapter, graph = intune(
        {
            ("POST", LOGIN): (200, TOKEN),
            ("GET", managed): (200, {**MANAGED_COMPANY, "id": device.mdm_enrolment_id}),
            ("POST", f"{managed}/wipe"): (204, None),
        }
    )

    outcome = adapter.send(_wipe_for(device, officer))

    assert outcome.external_id == device.mdm_enrolment_id and "wipe sent" in outcome.note
    token, lookup, wipe = graph.sent
    _assert_token_request(token)
    assert (lookup.method, lookup.url) == ("GET", managed)
    assert lookup.headers["Authorization"] == "Bearer eyJ0eXAi.fake.token"
    assert (wipe.method, wipe.url) == ("POST", f"{managed}/wipe")
    assert wipe.headers["Authorization"] == "Bearer eyJ0eXAi.fake.token"
    assert json.loads(wipe.body) == {"keepEnrollmentData": False, "keepUserData": False}


@pytest.mark.django_db
def test_without_an_mdm_id_the_device_is_found_by_serial_number(intune, make_device, officer):
    device = make_device(mdm_enrolment_id="", serial_number="R58N'7")  # a quote, escaped OData-style
    listing = f"{GRAPH}/deviceManagement/managedDevices?$filter=serialNumber eq 'R58N''7'"
    adapter, graph = intune(
        {
            ("POST", LOGIN): (200, TOKEN),
            ("GET", listing): (200, {"value": [MANAGED_COMPANY]}),
            ("POST", f"{GRAPH}/deviceManagement/managedDevices/{MANAGED_COMPANY['id']}/wipe"): (204, None),
        }
    )
    assert adapter.send(_wipe_for(device, officer)).external_id == MANAGED_COMPANY["id"]
    assert [r.method for r in graph.sent] == ["POST", "GET", "POST"]
    assert parse_qs(urlsplit(graph.sent[1].url).query) == {"$filter": ["serialNumber eq 'R58N''7'"]}
    assert "serialNumber%20eq%20" in graph.sent[1].url  # %20, never "+", in Graph's $filter


@pytest.mark.django_db
def test_a_personal_device_is_retired_not_wiped(intune, make_device, officer):
    device = make_device()
    managed = f"{GRAPH}/deviceManagement/managedDevices/{device.mdm_enrolment_id}"
    adapter, graph = intune(
        {
            ("POST", LOGIN): (200, TOKEN),
            ("GET", managed): (200, {**MANAGED_COMPANY, "managedDeviceOwnerType": "personal"}),
            ("POST", f"{GRAPH}/deviceManagement/managedDevices/{MANAGED_COMPANY['id']}/retire"): (204, None),
        }
    )
    assert "retire sent" in adapter.send(_wipe_for(device, officer)).note
    assert graph.sent[-1].url.endswith("/retire") and graph.sent[-1].body is None


@pytest.mark.django_db
def test_an_unknown_mdm_id_falls_back_to_the_serial_number_and_then_says_so(intune, make_device, officer):
    device = make_device()
    adapter, graph = intune(
        {
            ("POST", LOGIN): (200, TOKEN),
            ("GET", f"{GRAPH}/deviceManagement/managedDevices/{device.mdm_enrolment_id}"): (404, NOT_FOUND),
            (
                "GET",
                f"{GRAPH}/deviceManagement/managedDevices?$filter=serialNumber eq '{device.serial_number}'",
            ): (200, {"value": []}),
        }
    )
    with pytest.raises(mdm.MDMError, match="no managed device"):
        adapter.send(_wipe_for(device, officer))
    assert not any(r.url.endswith("/wipe") for r in graph.sent)


@pytest.mark.django_db
def test_graph_refusals_become_failures_with_graphs_reason(intune, make_device, officer):
    device = make_device()
    managed = f"{GRAPH}/deviceManagement/managedDevices/{device.mdm_enrolment_id}"
    adapter, _ = intune(
        {
            ("POST", LOGIN): (200, TOKEN),
            ("GET", managed): (200, MANAGED_COMPANY),
            ("POST", f"{GRAPH}/deviceManagement/managedDevices/{MANAGED_COMPANY['id']}/wipe"): (403, FORBIDDEN),
        }
    )
    with pytest.raises(mdm.MDMError, match="403: Application is not authorized"):
        adapter.send(_wipe_for(device, officer))

    refused, _ = intune({("POST", LOGIN): (401, {"error": "invalid_client", "error_description": "AADSTS7000215"})})
    with pytest.raises(mdm.MDMError, match="Sign-in to Microsoft Graph refused"):
        refused.send(_wipe_for(device, officer))


@pytest.mark.django_db
def test_a_sim_block_is_not_intunes_job_and_waits_in_the_tech_bar_queue(intune, make_device, officer):
    adapter, graph = intune({})
    action = RemoteAction(device=make_device(), kind=RemoteAction.Kind.SIM_BLOCK, requested_by=officer)
    assert "Tech Bar" in adapter.send(action).note
    assert graph.sent == []


def test_the_intune_adapter_needs_its_three_settings(settings):
    settings.INTUNE_TENANT_ID = TENANT
    settings.INTUNE_CLIENT_ID = ""
    with pytest.raises(ImproperlyConfigured):
        mdm.IntuneAdapter()


def test_the_setting_chooses_the_adapter(settings):
    assert isinstance(mdm.get_adapter(), mdm.RecordedQueueAdapter)  # the default
    settings.INTUNE_TENANT_ID, settings.INTUNE_CLIENT_ID, settings.INTUNE_CLIENT_SECRET = TENANT, "id", "secret"
    settings.KITBAG_MDM_ADAPTER = "devices.losses.mdm.IntuneAdapter"
    assert isinstance(mdm.get_adapter(), mdm.IntuneAdapter)


def test_the_adapters_old_module_path_still_chooses_them(settings):
    """A deployment's KITBAG_MDM_ADAPTER written before the adapters moved into the losses package."""
    old_module = ".".join(("devices", "mdm"))  # in parts, so the move's rewrite leaves it as written
    settings.KITBAG_MDM_ADAPTER = f"{old_module}.RecordedQueueAdapter"
    assert isinstance(mdm.get_adapter(), mdm.RecordedQueueAdapter)
    settings.INTUNE_TENANT_ID, settings.INTUNE_CLIENT_ID, settings.INTUNE_CLIENT_SECRET = TENANT, "id", "secret"
    settings.KITBAG_MDM_ADAPTER = f"{old_module}.IntuneAdapter"
    assert isinstance(mdm.get_adapter(), mdm.IntuneAdapter)
