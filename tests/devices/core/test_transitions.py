"""The device state machine of DESIGN.md: every edge allowed, every other refused."""

import itertools

import pytest

from devices.core.services import DeviceError, _transition
from devices.losses.services.remote import _move
from devices.models import Device, DeviceRequest, RemoteAction
from devices.requests.services.common import RequestError
from devices.requests.services.common import transition as request_transition
from portal.errors import DomainError

S = Device.Status
ALLOWED = {
    (S.IN_STOCK, S.ISSUED),
    (S.IN_STOCK, S.LOST),  # missing at a stocktake
    (S.ISSUED, S.RETURNED),
    (S.ISSUED, S.LOST),
    (S.ISSUED, S.STOLEN),
    (S.RETURNED, S.IN_STOCK),
    (S.RETURNED, S.IN_REPAIR),
    (S.RETURNED, S.DISPOSED),
    (S.IN_REPAIR, S.RETURNED),
    (S.LOST, S.RETURNED),
    (S.STOLEN, S.RETURNED),
}
PAIRS = list(itertools.product(S, S))


def test_the_table_is_the_design():
    assert {(a, b) for a, targets in Device.TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED), ids=lambda s: str(s))
def test_allowed_edge(from_status, to_status):
    device = Device(asset_tag="KB1", status=from_status)
    assert _transition(device, to_status) == from_status
    assert device.status == to_status


@pytest.mark.parametrize(("from_status", "to_status"), [p for p in PAIRS if p not in ALLOWED], ids=lambda s: str(s))
def test_every_other_edge_is_refused(from_status, to_status):
    device = Device(asset_tag="KB1", status=from_status)
    with pytest.raises(DeviceError, match="cannot go from"):
        _transition(device, to_status)
    assert device.status == from_status


def test_requests_and_remote_actions_refuse_in_their_own_words_through_the_shared_helper():
    device = Device(asset_tag="KB000001", status=S.LOST)
    with pytest.raises(DeviceError, match="KB000001 cannot go from lost to issued"):
        _transition(device, S.ISSUED)
    assert device.status == S.LOST
    request = DeviceRequest(pk=7, status=DeviceRequest.Status.CANCELLED)
    with pytest.raises(RequestError, match="Request 7 is cancelled: it cannot become approved"):
        request_transition(request, DeviceRequest.Status.APPROVED)
    action = RemoteAction(device=device, kind=RemoteAction.Kind.WIPE, status=RemoteAction.Status.DONE)
    with pytest.raises(DeviceError, match="The remote wipe for KB000001 is done; it cannot be marked sent"):
        _move(action, RemoteAction.Status.SENT)
    assert isinstance(RequestError("x"), DomainError)
