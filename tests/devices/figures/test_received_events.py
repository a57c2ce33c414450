"""Every device has a custody history from its first moment: each path that creates a device
records its "received" event, and the data migration gives a device without any event one at the
migration instant, in its chain."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from devices.core.services import devices_receive_bulk
from devices.figures.selectors import figures_as_of
from devices.models import Device, DeviceEvent
from portal.audit_chain import first_break
from tests.devices.figures.history import at, received, stood
from tests.factories import DeviceFactory, TechBarFactory, UserFactory

pytestmark = pytest.mark.django_db


def _migrate():
    migration = importlib.import_module("devices.migrations.0018_received_events")
    migration.receive_devices_without_history(apps, SimpleNamespace(connection=connection))


def test_the_migration_gives_a_device_without_history_a_received_event_now_in_its_chain(freeze_clock):
    actor, bar = UserFactory(), TechBarFactory()
    with_history, without = DeviceFactory(tech_bar=bar), DeviceFactory(tech_bar=bar, status=Device.Status.ISSUED)
    received(with_history, at(1, 2), actor=actor)
    with freeze_clock(at(2, 1)):
        _migrate()
    event = DeviceEvent.objects.get(device=without)
    assert (event.kind, event.from_status, event.to_status) == ("received", "", "issued")
    assert event.created_at == at(2, 1) and event.tech_bar == bar
    assert DeviceEvent.objects.filter(device=with_history).count() == 1
    assert first_break(DeviceEvent)[1] is None
    _migrate()
    assert DeviceEvent.objects.filter(device=without).count() == 1


def test_after_the_migration_a_device_counts_from_the_migration_instant_and_not_before(freeze_clock):
    actor = UserFactory()
    stood(actor, at(1, 1), unit="North", team="ICT")
    DeviceFactory(tech_bar=TechBarFactory())
    with freeze_clock(at(2, 1)):
        _migrate()
    assert figures_as_of(as_of=at(1, 31)).table("statuses").rows[-1][1] == [0]
    assert figures_as_of(as_of=at(2, 1)).table("statuses").rows[-1][1] == [1]


def test_a_bulk_receipt_records_each_devices_event_at_the_instant_it_is_given():
    actor, bar = UserFactory(), TechBarFactory()
    devices = [DeviceFactory.build(tech_bar=bar, model=DeviceFactory().model) for _ in range(3)]
    when = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    created = devices_receive_bulk(devices=devices, actor=actor, received_at=when)
    events = DeviceEvent.objects.filter(device__in=created)
    assert sorted(events.values_list("kind", "created_at")) == [("received", when)] * 3
