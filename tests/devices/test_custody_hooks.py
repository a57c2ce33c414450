"""The custody hooks: who is told of each custody moment, once each and in order, and that they
are told inside the custody transaction, so a failing receiver rolls the change back."""

import pytest
from django.db import connection

from devices.core.services import device_issue, hooks
from devices.models import Assignment, Device, DeviceEvent
from devices.requests.services.counter import device_request_on_issued

EXPECTED = {
    hooks.RECEIVED: ["devices.stock.services.stock.on_device_received"],
    hooks.ISSUED: [
        "devices.requests.services.counter.device_request_on_issued",
        "devices.stock.services.stock.on_device_issued",
        "devices.leavers.hooks.on_device_issued",
    ],
    hooks.RETURNED: [
        "devices.losses.services.remote.on_device_returned",
        "devices.leavers.hooks.on_device_returned",
        "devices.loans.hooks.on_device_returned",
    ],
    hooks.FOUND: ["devices.losses.services.losses.on_device_found"],
    hooks.LOST: ["devices.leavers.hooks.on_device_lost", "devices.loans.hooks.on_device_lost"],
    hooks.RETURN_UNMATCHED: ["devices.leavers.hooks.on_return_unmatched"],
    hooks.RETURN_REASON: ["devices.leavers.hooks.return_reason"],
}


def test_every_moment_has_its_receivers_once_each_in_order():
    assert set(EXPECTED) == set(hooks.MOMENTS.values())
    for moment, receivers in EXPECTED.items():
        assert hooks.registered(moment) == receivers, moment.name


def test_registering_a_receiver_again_keeps_one_in_its_place(monkeypatch):
    monkeypatch.setitem(hooks._registry, hooks.ISSUED.name, dict(hooks._registry[hooks.ISSUED.name]))
    first = hooks.registered(hooks.ISSUED)[0]
    hooks.register(hooks.ISSUED, device_request_on_issued)

    assert hooks.registered(hooks.ISSUED) == EXPECTED[hooks.ISSUED]
    assert hooks.registered(hooks.ISSUED)[0] == first


def test_a_moment_is_fired_with_exactly_its_arguments():
    with pytest.raises(TypeError, match="issued"):
        hooks.fire(hooks.ISSUED, assignment=None, actor=None)


def _with_receiver(monkeypatch, moment, receiver):
    receivers = dict(hooks._registry[moment.name])
    receivers["tests.receiver"] = receiver
    monkeypatch.setitem(hooks._registry, moment.name, receivers)


@pytest.mark.django_db(transaction=True)
def test_receivers_run_inside_the_issue_transaction(monkeypatch, make_device, bar, officer, tech_bar_staff):
    phone = make_device()
    seen = []

    def receiver(*, device, assignment, actor, tech_bar, holder_locked):
        # The assignment and its event are written, and not yet committed.
        issued = DeviceEvent.objects.filter(device=device, kind=DeviceEvent.Kind.ISSUED).count()
        seen.append((connection.in_atomic_block, issued, holder_locked))

    _with_receiver(monkeypatch, hooks.ISSUED, receiver)
    assert not connection.in_atomic_block

    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)

    assert seen == [(True, 1, False)]  # nobody locked the holder's row before: a receiver must


@pytest.mark.django_db(transaction=True)
def test_receivers_hear_when_the_holder_is_locked_already(monkeypatch, make_device, bar, officer, tech_bar_staff):
    """The counter's confirm locks the holder once for the visit and says so (holder_checked):
    the receivers are told, so the leaver hook does not lock the row a second time."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from portal.models import User

    phone = make_device()
    seen = []
    _with_receiver(monkeypatch, hooks.ISSUED, lambda **arguments: seen.append(arguments["holder_locked"]))
    with transaction.atomic():
        User.objects.select_for_update().get(pk=officer.pk)
        with CaptureQueriesContext(connection) as queries:
            device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar, holder_checked=True)
    assert seen == [True]
    holder_reads = [q["sql"] for q in queries.captured_queries if 'FROM "portal_user"' in q["sql"]]
    assert holder_reads == [], "the holder's row is not read (or locked) again"


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_rolls_the_issue_back(monkeypatch, make_device, bar, officer, tech_bar_staff):
    phone = make_device()

    def receiver(**arguments):
        raise RuntimeError("a receiver refuses")

    _with_receiver(monkeypatch, hooks.ISSUED, receiver)

    with pytest.raises(RuntimeError, match="refuses"):
        device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)

    phone.refresh_from_db()
    assert phone.status == Device.Status.IN_STOCK and phone.tech_bar == bar
    assert not Assignment.objects.filter(device=phone).exists()
    assert not DeviceEvent.objects.filter(device=phone, kind=DeviceEvent.Kind.ISSUED).exists()
