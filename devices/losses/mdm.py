"""MDM adapters: who carries out a remote action. `KITBAG_MDM_ADAPTER` names the class.

- `RecordedQueueAdapter` (the default): the action waits in the admin's remote action queue,
  where Tech Bar staff carry it out (phone the network, use the MDM console) and mark it done.
- `IntuneAdapter`: a wipe goes to Microsoft Intune through Microsoft Graph, on the managed device
  found by its MDM id or serial number. A SIM block is the network's job, not Intune's, so it
  still goes to the Tech Bar queue.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from devices.losses.models import RemoteAction


class MDMError(Exception):
    """The MDM refused or could not be reached: the action is marked failed with this message."""


@dataclass(frozen=True)
class Outcome:
    external_id: str = ""
    note: str = ""


class RecordedQueueAdapter:
    label = "Tech Bar queue"

    def send(self, action: RemoteAction) -> Outcome:
        return Outcome(note="waiting in the Tech Bar's remote action queue to be carried out and marked done.")


class IntuneAdapter:
    """Microsoft Graph v1.0 with an app registration's client credentials.

    The app needs the application permission DeviceManagementManagedDevices.PrivilegedOperations.All
    (wipe, retire) and DeviceManagementManagedDevices.Read.All (finding the device).
    """

    label = "Microsoft Intune"
    TIMEOUT = (5, 30)  # seconds: connect, read

    def __init__(self, session: requests.Session | None = None):
        self.tenant_id = settings.INTUNE_TENANT_ID
        self.client_id = settings.INTUNE_CLIENT_ID
        self.client_secret = settings.INTUNE_CLIENT_SECRET
        if not (self.tenant_id and self.client_id and self.client_secret):
            raise ImproperlyConfigured(
                "IntuneAdapter needs INTUNE_TENANT_ID, INTUNE_CLIENT_ID and INTUNE_CLIENT_SECRET."
            )
        self.graph = settings.INTUNE_GRAPH_URL.rstrip("/")
        self.login = settings.INTUNE_LOGIN_URL.rstrip("/")
        self.session = session or requests.Session()
        self._token = ""  # nosec B105 # no token yet: fetched from Entra on first use

    # --- the one thing the rest of Kitbag calls ---
    def send(self, action: RemoteAction) -> Outcome:
        if action.kind != RemoteAction.Kind.WIPE:
            return RecordedQueueAdapter().send(action)
        managed = self.find_managed_device(action.device)
        managed_id = managed["id"]
        # A personal device (bring your own) cannot be factory reset: retire removes the force's
        # data and apps and leaves the owner's.
        if managed.get("managedDeviceOwnerType") == "personal":
            self._post(f"/deviceManagement/managedDevices/{managed_id}/retire", None)
            return Outcome(
                managed_id, "retire sent to Microsoft Intune (a personal device: the force's data is removed)."
            )
        self._post(
            f"/deviceManagement/managedDevices/{managed_id}/wipe",
            {"keepEnrollmentData": False, "keepUserData": False},
        )
        return Outcome(managed_id, "wipe sent to Microsoft Intune.")

    def find_managed_device(self, device) -> dict:
        if device.mdm_enrolment_id:
            response = self._get(f"/deviceManagement/managedDevices/{device.mdm_enrolment_id}", allow_404=True)
            if response is not None:
                return response
        if device.serial_number:
            serial = device.serial_number.replace("'", "''")  # OData string literal
            # Spaces as %20, as Graph's own examples send them (requests would send "+").
            query = urlencode({"$filter": f"serialNumber eq '{serial}'"}, quote_via=quote)
            found = self._get(f"/deviceManagement/managedDevices?{query}")
            matches = found.get("value", [])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise MDMError(f"Intune has {len(matches)} devices with serial number {device.serial_number}.")
        raise MDMError(f"Intune has no managed device for {device.asset_tag} (MDM id or serial number).")

    # --- HTTP ---
    def _access_token(self) -> str:
        if not self._token:
            response = self._call(
                "post",
                f"{self.login}/{self.tenant_id}/oauth2/v2.0/token",
                data={
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "scope": "https://graph.microsoft.com/.default",
                    "grant_type": "client_credentials",
                },
            )
            if response.status_code != 200:
                raise MDMError(f"Sign-in to Microsoft Graph refused ({response.status_code}): {_graph_error(response)}")
            self._token = response.json()["access_token"]
        return self._token

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self._access_token()}", "Accept": "application/json"}

    def _get(self, path: str, *, allow_404: bool = False) -> dict | None:
        response = self._call("get", f"{self.graph}{path}", headers=self._headers())
        if response.status_code == 404 and allow_404:
            return None
        if response.status_code != 200:
            raise MDMError(f"Microsoft Graph answered {response.status_code}: {_graph_error(response)}")
        return response.json()

    def _post(self, path: str, body: dict | None) -> None:
        response = self._call("post", f"{self.graph}{path}", json=body, headers=self._headers())
        if response.status_code not in (200, 202, 204):
            raise MDMError(f"Microsoft Graph answered {response.status_code}: {_graph_error(response)}")

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.TIMEOUT, **kwargs)
        except requests.RequestException as error:
            raise MDMError(f"Microsoft Graph could not be reached: {error.__class__.__name__}") from error


def _graph_error(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return response.reason or ""
    if isinstance(error, dict):
        return error.get("message") or error.get("code") or ""
    return str(response.json().get("error_description") or error)


# The adapters' module before devices was split by capability: a deployment whose
# KITBAG_MDM_ADAPTER still names it keeps working. Spelt in parts so moving code leaves it be.
_OLD_MODULE = ".".join(("devices", "mdm", ""))


def get_adapter():
    path = settings.KITBAG_MDM_ADAPTER
    if path.startswith(_OLD_MODULE):
        path = __name__ + "." + path.removeprefix(_OLD_MODULE)
    return import_string(path)()
