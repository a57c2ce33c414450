"""The command unit narrows the status and activity tables as things stood: devices held then by
people in the unit then, and events whose holder was in the unit at the event; devices in stock
belong to no unit and the table says so."""

import pytest

from devices.figures.selectors import figures_as_of
from tests.devices.figures.history import at, cell, issued, lost, received, returned, stood
from tests.factories import DeviceFactory, DeviceModelFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def force():
    actor = UserFactory()
    phone = DeviceModelFactory(kind="smartphone", operating_system="Android 15")
    ann, bob = UserFactory(), UserFactory()
    stood(ann, at(1, 1), unit="North", team="Response")
    stood(bob, at(1, 1), unit="South", team="Response")
    p1, p2, p3, spare = (DeviceFactory(model=phone) for _ in range(4))
    for device in (p1, p2, p3, spare):
        received(device, at(1, 2), actor=actor)
    ann_p1 = issued(p1, ann, at(1, 5), actor=actor)
    issued(p2, bob, at(1, 5), actor=actor)
    bob_p3 = issued(p3, bob, at(1, 6), actor=actor)
    lost(bob_p3, at(1, 20), actor=bob)
    # Bob moves from South to North on 1 February; Ann hands her phone back on 10 February.
    stood(bob, at(2, 1), unit="North", team="Response")
    returned(ann_p1, at(2, 10), actor=actor)


def test_before_a_move_the_status_table_counts_kit_with_people_in_the_unit_then(force):
    north = figures_as_of(as_of=at(1, 25), command_unit="North")
    assert cell(north, "statuses", ("Issued",), "Devices") == 1
    assert cell(north, "statuses", ("Lost",), "Devices") == 0
    south = figures_as_of(as_of=at(1, 25), command_unit="South")
    assert cell(south, "statuses", ("Issued",), "Devices") == 1
    assert cell(south, "statuses", ("Lost",), "Devices") == 1
    assert cell(south, "statuses", ("Total",), "Devices") == 2


def test_after_a_move_the_kit_goes_with_the_person(force):
    north = figures_as_of(as_of=at(2, 2), command_unit="North")
    assert cell(north, "statuses", ("Issued",), "Devices") == 2
    assert cell(north, "statuses", ("Lost",), "Devices") == 1
    assert cell(figures_as_of(as_of=at(2, 2), command_unit="South"), "statuses", ("Total",), "Devices") == 0
    after_return = figures_as_of(as_of=at(2, 11), command_unit="North")
    assert cell(after_return, "statuses", ("Returned (awaiting triage)",), "Devices") == 1
    assert cell(after_return, "statuses", ("Issued",), "Devices") == 1


def test_with_a_unit_devices_in_stock_are_left_out_and_the_table_says_so(force):
    table = figures_as_of(as_of=at(2, 2), command_unit="North").table("statuses")
    assert [labels[0] for labels, _ in table.rows] == [
        "Issued",
        "Returned (awaiting triage)",
        "Lost",
        "Stolen",
        "Total",
    ]
    assert "belong to no command unit" in table.scope
    everyone = figures_as_of(as_of=at(2, 2))
    assert cell(everyone, "statuses", ("In stock",), "Devices") == 1


def test_activity_counts_events_whose_holder_was_in_the_unit_at_the_event(force):
    def activity(unit, change):
        figures = figures_as_of(as_of=at(3, 1), range_start=at(1, 1), range_end=at(3, 1), command_unit=unit)
        return cell(figures, "activity", (change,), "Events")

    # Bob's issues and loss were in South, before he moved; Ann's return was in North.
    assert activity("South", "Issues") == 2
    assert activity("South", "Losses") == 1
    assert activity("North", "Issues") == 1
    assert activity("North", "Losses") == 0
    assert activity("North", "Returns") == 1
    assert activity("South", "Returns") == 0


def test_the_unit_filter_keeps_the_query_count(force, django_assert_max_num_queries):
    def figures():
        return figures_as_of(as_of=at(3, 1), range_start=at(1, 1), range_end=at(3, 1), command_unit="North")

    with django_assert_max_num_queries(4):
        figures()
    for _ in range(20):
        person, device = UserFactory(), DeviceFactory()
        stood(person, at(1, 1), unit="North", team="Response")
        received(device, at(1, 2), actor=person)
        issued(device, person, at(1, 7), actor=person)
    with django_assert_max_num_queries(4):
        assert cell(figures(), "statuses", ("Issued",), "Devices") == 21
