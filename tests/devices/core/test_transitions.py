"""The device state machine of DESIGN.md: every edge allowed, every other refused."""

import itertools

import pytest

from devices.core.services import DeviceError, _transition
from devices.models import Device

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
