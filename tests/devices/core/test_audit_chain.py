"""The custody history and counter receipts are hash-chained as the services write them."""

import pytest

from devices.core import services
from devices.counter.services import CounterBasket, TakeBack, counter_visit_confirm
from devices.models import CounterLine, CounterVisit, Device, DeviceEvent
from portal.audit_chain import GENESIS, first_break
from tests.portal.test_audit_chain import assert_chained, verify

pytestmark = pytest.mark.django_db


def test_a_counter_swap_chains_its_visit_lines_and_events_written_once(
    make_device, issued, bar, officer, tech_bar_staff
):
    old = issued(make_device(), officer)
    new = make_device()
    counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=CounterBasket(take_back=[TakeBack(old, "damaged", "Cracked screen")], hand_over=[new]),
    )
    returned = DeviceEvent.objects.get(device=old, kind=DeviceEvent.Kind.RETURNED)
    handed = DeviceEvent.objects.get(device=new, kind=DeviceEvent.Kind.ISSUED)
    # The swap is written with the replacement's event, so neither event is updated afterwards.
    assert handed.replaces == returned and returned.replaces is None
    assert returned.related_event == handed and handed.related_event == returned
    assert returned.note == f"Damaged. Cracked screen. Swapped for {new.asset_tag}."
    assert handed.note == f"Replaces {old.asset_tag} (swap)."
    assert handed.prev_hash == DeviceEvent.objects.filter(pk__lt=handed.pk).latest("pk").row_hash
    for model in (DeviceEvent, CounterVisit, CounterLine):
        assert model.objects.exists()
        assert_chained(model)
        assert first_break(model)[1] is None
    assert CounterVisit.objects.order_by("pk").first().prev_hash == GENESIS
    assert "All audit chains intact." in verify()


def test_devices_received_in_bulk_have_chained_events(bar, tech_bar_staff, make_device, issued, officer):
    existing = issued(make_device(), officer)  # an event already in the chain
    model = existing.model
    devices = [
        Device(asset_tag=f"BULK{n}", serial_number=f"BULKSN{n}", model=model, tech_bar=bar) for n in range(90001, 90006)
    ]
    created = services.devices_receive_bulk(devices=devices, actor=tech_bar_staff, note="MDM import.")
    events = list(DeviceEvent.objects.filter(device__in=created).order_by("pk"))
    assert len(events) == 5
    assert events[0].prev_hash == DeviceEvent.objects.get(device=existing).row_hash != GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.row_hash for e in events[:-1]]
    assert_chained(DeviceEvent)
