"""Remote actions: every state edge allowed and every other refused, sending through the adapter
after commit, failures, asking again, and the sweep that sends what a lost task left behind."""

from datetime import timedelta

import pytest

from devices import tasks
from devices.core.services import DeviceError
from devices.losses import mdm
from devices.losses.services import losses, remote
from devices.models import DeviceEvent, RemoteAction
from incidents.models import IncidentEvent
from tests.devices.conftest import NOW

pytestmark = pytest.mark.django_db

S = RemoteAction.Status
ALLOWED = {
    (S.REQUESTED, S.SENT),
    (S.REQUESTED, S.DONE),
    (S.REQUESTED, S.FAILED),
    (S.SENT, S.DONE),
    (S.SENT, S.FAILED),
    (S.FAILED, S.REQUESTED),
    (S.REQUESTED, S.FOUND),
    (S.SENT, S.FOUND),
    (S.FAILED, S.FOUND),
}


@pytest.fixture
def wipe(frozen, held_phone, officer):
    loss = losses.device_report_lost(
        device=held_phone, actor=officer, kind="stolen", noticed_at=NOW - timedelta(hours=1), where="Brixton"
    )
    return loss.remote_actions.get(kind=RemoteAction.Kind.WIPE)


def _move(action, to_status, actor):
    if to_status == S.SENT:
        return remote.remote_action_send(action=action)
    if to_status == S.DONE:
        return remote.remote_action_complete(action=action, actor=actor)
    if to_status == S.FAILED:
        return remote.remote_action_fail(action=action, actor=actor, reason="Network refused")
    if to_status == S.FOUND:
        return remote.remote_action_end_found(action=action, actor=actor)
    return remote.remote_action_retry(action=action, actor=actor)


@pytest.mark.parametrize("from_status", list(S))
@pytest.mark.parametrize("to_status", list(S))
def test_every_edge_allowed_and_every_other_refused(from_status, to_status, wipe, tech_bar_staff):
    RemoteAction.objects.filter(pk=wipe.pk).update(status=from_status)
    wipe.refresh_from_db()
    events_before = DeviceEvent.objects.filter(kind=DeviceEvent.Kind.REMOTE_ACTION).count()

    if (from_status, to_status) in ALLOWED:
        assert _move(wipe, to_status, tech_bar_staff).status == to_status
        assert DeviceEvent.objects.filter(kind=DeviceEvent.Kind.REMOTE_ACTION).count() == events_before + 1
    elif to_status == S.SENT:
        # Sending is a no-op unless requested: a task delivered twice sends once.
        assert _move(wipe, to_status, tech_bar_staff).status == from_status
    else:
        with pytest.raises(DeviceError):
            _move(wipe, to_status, tech_bar_staff)
        wipe.refresh_from_db()
        assert wipe.status == from_status


def test_the_request_is_sent_after_commit_by_the_task(
    frozen, held_phone, officer, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.send_remote_action, "delay", lambda pk: sent.append(pk) or tasks.send_remote_action(pk))
    with django_capture_on_commit_callbacks(execute=True):
        loss = losses.device_report_lost(device=held_phone, actor=officer, kind="lost", noticed_at=NOW, where="Home")

    assert sorted(sent) == sorted(loss.remote_actions.values_list("pk", flat=True))
    for action in loss.remote_actions.all():
        assert (action.status, action.adapter, action.sent_at, action.attempts) == (S.SENT, "Tech Bar queue", NOW, 1)


def test_done_is_noted_on_the_incident(wipe, tech_bar_staff):
    remote.remote_action_send(action=wipe)
    done = remote.remote_action_complete(action=wipe, actor=tech_bar_staff)
    assert (done.completed_at, done.completed_by) == (NOW, tech_bar_staff)
    note = wipe.incident.events.get(kind=IncidentEvent.Kind.NOTE)
    assert note.text == f"Remote wipe of device {wipe.device.asset_tag} done."


def test_an_adapter_refusal_fails_the_action_with_its_reason(wipe, settings, monkeypatch):
    def refuse(self, action):
        raise mdm.MDMError("Microsoft Graph answered 403: not authorised")

    monkeypatch.setattr(mdm.RecordedQueueAdapter, "send", refuse)
    failed = remote.remote_action_send(action=wipe)
    assert failed.status == S.FAILED and failed.failure_reason == "Microsoft Graph answered 403: not authorised"


def test_a_failure_needs_a_reason(wipe, tech_bar_staff):
    with pytest.raises(DeviceError, match="why"):
        remote.remote_action_fail(action=wipe, actor=tech_bar_staff, reason="  ")


def test_asking_again_sends_afresh(wipe, tech_bar_staff, django_capture_on_commit_callbacks):
    remote.remote_action_fail(action=wipe, actor=tech_bar_staff, reason="No signal")
    with django_capture_on_commit_callbacks() as callbacks:
        again = remote.remote_action_retry(action=wipe, actor=tech_bar_staff)
    assert (again.status, again.failure_reason, again.completed_at) == (S.REQUESTED, "", None)
    assert len(callbacks) == 1


def test_the_sweep_sends_requests_whose_task_was_lost(wipe, frozen):
    assert remote.remote_actions_send_pending() == 0  # just asked for: its own task will send it
    frozen.shift(timedelta(minutes=3))
    assert tasks.send_pending_remote_actions() == 2  # the wipe and the SIM block
    wipe.refresh_from_db()
    assert wipe.status == S.SENT
    assert remote.remote_actions_send_pending() == 0


# --- a device found ends its remote actions; nothing is asked again for it ------------
def _found_at_counter(device, holder, actor, bar):
    from devices.counter import services

    services.counter_visit_confirm(
        person=holder,
        actor=actor,
        tech_bar=bar,
        basket=services.CounterBasket(take_back=[services.TakeBack(device, "found", "Handed in")]),
    )


def _found_by_service(device, holder, actor, bar):
    losses.device_found(device=device, actor=actor, tech_bar=bar, note="Handed in")


@pytest.mark.parametrize("find", [_found_at_counter, _found_by_service], ids=["counter", "found_service"])
def test_a_found_device_ends_its_open_remote_actions_as_device_found(
    find, wipe, officer, tech_bar_staff, bar, django_capture_on_commit_callbacks
):
    sim_block = wipe.loss.remote_actions.get(kind=RemoteAction.Kind.SIM_BLOCK)
    remote.remote_action_send(action=wipe)  # the wipe is "sent", the SIM block failed
    remote.remote_action_fail(action=sim_block, actor=tech_bar_staff, reason="Network down")

    find(wipe.device, officer, tech_bar_staff, bar)

    for action in (wipe, sim_block):
        action.refresh_from_db()
        assert (action.status, action.completed_by, action.completed_at) == (S.FOUND, tech_bar_staff, NOW)
    notes = DeviceEvent.objects.filter(device=wipe.device, kind=DeviceEvent.Kind.REMOTE_ACTION).values_list(
        "note", flat=True
    )
    assert "Remote wipe: ended, device found." in notes and "SIM block: ended, device found." in notes
    # Nothing can send it again now: not the task, not "ask again".
    assert remote.remote_action_send(action=wipe).status == S.FOUND
    with pytest.raises(DeviceError, match="found"):
        remote.remote_action_retry(action=sim_block, actor=tech_bar_staff)


def test_asking_again_is_refused_for_a_device_no_longer_lost(wipe, officer, tech_bar_staff, bar, make_device):
    remote.remote_action_fail(action=wipe, actor=tech_bar_staff, reason="No signal")
    # However the device came back (an older path, or by hand), a failed wipe is not sent again.
    type(wipe.device).objects.filter(pk=wipe.device.pk).update(status="in_stock", tech_bar=bar)
    with pytest.raises(DeviceError, match="no longer lost or stolen"):
        remote.remote_action_retry(action=wipe, actor=tech_bar_staff)
    wipe.refresh_from_db()
    assert wipe.status == S.FAILED
