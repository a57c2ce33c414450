"""The request state machine through its services: every (state, action) pair, allowed edges
move the request, every other pair is refused with a message and changes nothing."""

import pytest

from devices.core.services import device_issue
from devices.models import DeviceRequest
from devices.requests import services as kit_requests
from devices.requests.services import RequestError

S = DeviceRequest.Status
ACTIONS = ["approve", "refuse", "reserve", "release", "cancel"]
ALLOWED = {
    (S.SUBMITTED, "approve"): S.APPROVED,
    (S.SUBMITTED, "refuse"): S.REFUSED,
    (S.SUBMITTED, "cancel"): S.CANCELLED,
    (S.APPROVED, "reserve"): S.READY,
    (S.APPROVED, "cancel"): S.CANCELLED,
    (S.READY, "release"): S.APPROVED,
    (S.READY, "cancel"): S.CANCELLED,
}


def test_the_table_is_the_model_s_state_machine():
    # Collected is reached through the counter's issue (tests below), not a request service.
    edges = {(s, to) for (s, _), to in ALLOWED.items()} | {(S.READY, S.COLLECTED)}
    assert edges == {(s, to) for s, targets in DeviceRequest.TRANSITIONS.items() for to in targets}


def _act(action, request, *, boss, member, tech_bar_staff, bar, make_device, laptop_model, tablet_model):
    if action in ("approve", "refuse"):
        return kit_requests.device_request_decide(request=request, actor=boss, approve=action == "approve", why="Seen")
    if action == "reserve":
        device = make_device(model=laptop_model if request.kind == "laptop" else tablet_model)
        return kit_requests.device_request_reserve(request=request, device=device, actor=tech_bar_staff, tech_bar=bar)
    if action == "release":
        return kit_requests.device_request_release(request=request, actor=tech_bar_staff, why="Screen cracked")
    return kit_requests.device_request_cancel(request=request, actor=member, why="Changed my mind")


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", list(S))
def test_every_state_and_action(
    status, action, request_in, boss, member, tech_bar_staff, bar, make_device, laptop_model, tablet_model
):
    request, _device = request_in(status)
    kwargs = {
        "boss": boss,
        "member": member,
        "tech_bar_staff": tech_bar_staff,
        "bar": bar,
        "make_device": make_device,
        "laptop_model": laptop_model,
        "tablet_model": tablet_model,
    }
    before = DeviceRequest.objects.filter(pk=request.pk).values().get()
    if (status, action) in ALLOWED:
        _act(action, request, **kwargs)
        request.refresh_from_db()
        assert request.status == ALLOWED[(status, action)]
        assert (request.reserved_device_id is not None) == (request.status == S.READY)
    else:
        with pytest.raises(RequestError) as refusal:
            _act(action, request, **kwargs)
        assert str(refusal.value)
        after = DeviceRequest.objects.filter(pk=request.pk).values().get()
        assert after == before


@pytest.mark.django_db
def test_collected_at_the_counter_ends_it_with_the_assignment(request_in, member, tech_bar_staff, bar):
    request, device = request_in(S.READY)
    assignment = device_issue(device=device, holder=member, actor=tech_bar_staff, tech_bar=bar)
    request.refresh_from_db()
    assert request.status == S.COLLECTED
    assert request.assignment == assignment and request.reserved_device is None
    assert not request.steps.filter(fired_at__isnull=True, cancelled_at__isnull=True).exists()
