"""The figures as things stood, against a hand-built history: issues, returns, a swap, a loss and
its finding, a leaver, a person moving team and another moving command unit on the night the
clocks go forward; at instants before, between and after the events, and at an event's instant."""

import datetime
from types import SimpleNamespace

import pytest

from devices.figures.selectors import FiguresError, figures_as_of
from devices.models import DeviceEvent, DeviceModel
from tests.devices.figures.history import at, cell, event, found, issued, lost, received, returned, stood
from tests.factories import DeviceFactory, DeviceModelFactory, TechBarFactory, UserFactory

pytestmark = pytest.mark.django_db

START = at(1, 1, 0)
# The clocks go forward at 01:00 UTC on 29 March 2026: 01:30 UTC is 02:30 BST.
CLOCK_CHANGE = at(3, 29, 1)


@pytest.fixture
def history():
    staff = UserFactory()
    bar = TechBarFactory()
    samsung = DeviceModelFactory(
        make="Samsung", model_name="Galaxy XCover 7", kind="smartphone", operating_system="Android 15"
    )
    iphone = DeviceModelFactory(make="Apple", model_name="iPhone 15", kind="smartphone", operating_system="iOS 18")
    ipad = DeviceModelFactory(make="Apple", model_name="iPad 10", kind="tablet", operating_system="iPadOS 18")
    dell = DeviceModelFactory(make="Dell", model_name="Latitude 5450", kind="laptop", operating_system="Windows 11")
    p1, p2 = DeviceFactory(model=samsung, tech_bar=bar), DeviceFactory(model=samsung, tech_bar=bar)
    p3, t1, l1 = (
        DeviceFactory(model=iphone, tech_bar=bar),
        DeviceFactory(model=ipad, tech_bar=bar),
        DeviceFactory(model=dell, tech_bar=bar),
    )
    ann, bob, cat, dan = (UserFactory() for _ in range(4))
    stood(ann, START, unit="North", team="Neighbourhood 1")
    stood(bob, START, unit="North", team="Response A")
    stood(cat, START, unit="South", team="Neighbourhood 2")
    stood(dan, START, unit="South", team="Response B")
    for device in (p1, p2, p3, t1, l1):
        received(device, at(1, 2), actor=staff)
    ann_p1 = issued(p1, ann, at(1, 5, 9), actor=staff)
    bob_p3 = issued(p3, bob, at(1, 10, 10), actor=staff)
    dan_l1 = issued(l1, dan, at(1, 12), actor=staff)
    # A swap at one instant: the faulty phone back, its replacement out.
    returned(ann_p1, at(2, 1, 12), actor=staff)
    issued(p2, ann, at(2, 1, 12), actor=staff)
    lost(bob_p3, at(2, 10, 8), actor=bob)
    returned(dan_l1, at(2, 14), actor=staff, reason="leaver")
    stood(dan, at(2, 15), unit="South", team="Response B", active=False)
    stood(bob, at(3, 1), unit="North", team="Neighbourhood 1")
    found(p3, at(3, 5), actor=staff)
    issued(t1, cat, at(3, 29, 0, 30), actor=staff)
    stood(cat, at(3, 29, 1, 30), unit="North", team="Response A")
    return SimpleNamespace(ann=ann, bob=bob, cat=cat, dan=dan)


def test_before_anything_was_issued_no_one_holds_anything_and_everything_is_in_stock(history):
    figures = figures_as_of(as_of=at(1, 3))
    assert cell(figures, "kinds", ("Total",), "People holding one") == 0
    assert cell(figures, "kinds", ("Total",), "Devices issued") == 0
    assert cell(figures, "statuses", ("In stock",), "Devices") == 5
    assert cell(figures, "units", ("North", "All teams"), "People in post") == 2


def test_at_the_instant_of_an_issue_the_device_is_held_and_a_moment_before_it_is_not(history):
    issue = at(1, 5, 9)
    before = figures_as_of(as_of=issue - datetime.timedelta(microseconds=1))
    assert cell(before, "kinds", ("Smartphone",), "Devices issued") == 0
    assert cell(figures_as_of(as_of=issue), "kinds", ("Smartphone",), "Devices issued") == 1


def test_between_events_each_count_by_kind_family_model_unit_and_team(history):
    figures = figures_as_of(as_of=at(1, 20))
    assert cell(figures, "kinds", ("Smartphone",), "People holding one") == 2
    assert cell(figures, "kinds", ("Laptop",), "Devices issued") == 1
    assert cell(figures, "kinds", ("Total",), "People holding one") == 3
    assert cell(figures, "families", ("Android",), "Smartphones") == 1
    assert cell(figures, "families", ("Apple",), "Smartphones") == 1
    assert cell(figures, "families", ("Windows",), "Laptops") == 1
    assert cell(figures, "models", ("Apple", "iPhone 15"), "Devices issued") == 1
    assert cell(figures, "units", ("North", "All teams"), "Devices issued") == 2
    assert cell(figures, "units", ("South", "Response B"), "Laptops") == 1
    assert cell(figures, "statuses", ("Issued",), "Devices") == 3


def test_at_the_instant_of_a_swap_the_holder_has_the_replacement_only(history):
    figures = figures_as_of(as_of=at(2, 1, 12))
    assert cell(figures, "units", ("North", "Neighbourhood 1"), "Devices issued") == 1
    assert cell(figures, "statuses", ("Returned (awaiting triage)",), "Devices") == 1


def test_a_lost_device_leaves_its_holder_and_counts_as_lost_until_found(history):
    after_loss = figures_as_of(as_of=at(2, 11))
    assert cell(after_loss, "units", ("North", "Response A"), "Devices issued") == 0
    assert cell(after_loss, "statuses", ("Lost",), "Devices") == 1
    after_found = figures_as_of(as_of=at(3, 6))
    assert cell(after_found, "statuses", ("Lost",), "Devices") == 0


def test_a_leaver_is_in_post_until_they_leave_and_not_after(history):
    assert cell(figures_as_of(as_of=at(2, 14, 13)), "units", ("South", "Response B"), "People in post") == 1
    assert cell(figures_as_of(as_of=at(2, 16)), "units", ("South", "All teams"), "People in post") == 1


def test_a_person_is_counted_in_the_team_they_were_in_then(history):
    assert cell(figures_as_of(as_of=at(2, 20)), "units", ("North", "Response A"), "People in post") == 1
    later = figures_as_of(as_of=at(3, 2))
    assert cell(later, "units", ("North", "Neighbourhood 1"), "People in post") == 2
    neighbourhood_only = figures_as_of(as_of=at(3, 2), command_unit="North")
    assert cell(neighbourhood_only, "units", ("Total",), "People in post") == 2


def test_a_move_of_command_unit_on_the_night_the_clocks_go_forward(history):
    # 00:59 BST does not exist; 00:59 GMT (00:59 UTC) is before the move, 02:31 BST after it.
    before = figures_as_of(as_of=at(3, 29, 0, 59))
    assert cell(before, "units", ("South", "Neighbourhood 2"), "Tablets") == 1
    after = figures_as_of(as_of=at(3, 29, 1, 31))
    assert cell(after, "units", ("North", "Response A"), "Tablets") == 1
    assert cell(after, "units", ("Total",), "Tablets") == 1
    assert not [labels for labels, _ in after.table("units").rows if labels[0] == "South" and labels[1] != "Response B"]


def test_a_command_unit_narrows_people_and_kit_to_those_in_it_then(history):
    figures = figures_as_of(as_of=at(1, 20), command_unit="South")
    assert cell(figures, "kinds", ("Total",), "Devices issued") == 1
    assert cell(figures, "kinds", ("Laptop",), "Devices issued") == 1


def test_activity_over_a_range_counts_issues_returns_losses_and_thefts(history):
    figures = figures_as_of(as_of=at(3, 1), range_start=at(2, 1), range_end=at(3, 1))
    assert cell(figures, "activity", ("Issues",), "Events") == 1
    assert cell(figures, "activity", ("Returns",), "Events") == 2
    assert cell(figures, "activity", ("Losses",), "Events") == 1


def test_a_date_before_the_history_starts_is_refused(history):
    with pytest.raises(FiguresError, match="history starts"):
        figures_as_of(as_of=START - datetime.timedelta(seconds=1))


def test_the_figures_cost_a_constant_number_of_queries(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        figures_as_of(as_of=at(3, 2), range_start=at(1, 1), range_end=at(3, 1))
    for n in range(20):
        device = DeviceFactory(model=DeviceModel.objects.first())
        issued(device, UserFactory(), at(3, 1), actor=history.ann)
    with django_assert_max_num_queries(4):
        figures_as_of(as_of=at(3, 2), range_start=at(1, 1), range_end=at(3, 1))


def test_a_theft_a_repair_and_a_transfer_between_tech_bars_count_as_things_stood():
    staff, bar = UserFactory(), TechBarFactory()
    phone = DeviceModelFactory(kind="smartphone", operating_system="Android 15")
    ann = UserFactory()
    stood(ann, START, unit="North", team="Response A")
    stolen, faulty, moved = (DeviceFactory(model=phone, tech_bar=bar) for _ in range(3))
    for device in (stolen, faulty, moved):
        received(device, at(1, 2), actor=staff)
    lost(issued(stolen, ann, at(1, 5), actor=staff), at(1, 20), actor=ann, kind="stolen")
    returned(issued(faulty, ann, at(1, 5), actor=staff), at(1, 8), actor=staff)
    triaged = DeviceEvent.Kind.TRIAGED
    event(faulty, triaged, at(1, 10), actor=staff, from_status="returned", to_status="in_repair")
    event(faulty, triaged, at(2, 1), actor=staff, from_status="in_repair", to_status="returned")
    event(moved, DeviceEvent.Kind.TRANSFER_SENT, at(1, 12), actor=staff, from_status="in_stock", to_status="in_stock")
    event(
        moved, DeviceEvent.Kind.TRANSFER_RECEIVED, at(1, 14), actor=staff, from_status="in_stock", to_status="in_stock"
    )

    def status(instant, label):
        return cell(figures_as_of(as_of=instant), "statuses", (label,), "Devices")

    assert [status(when, "In repair") for when in (at(1, 9), at(1, 10), at(2, 1))] == [0, 1, 0]
    assert [status(when, "Stolen") for when in (at(1, 19), at(1, 20), at(3, 1))] == [0, 1, 1]
    assert [status(when, "In stock") for when in (at(1, 11), at(1, 13), at(1, 15))] == [1, 1, 1]
    assert cell(figures_as_of(as_of=at(1, 21)), "kinds", ("Smartphone",), "Devices issued") == 0
    to_the_theft = figures_as_of(as_of=at(3, 1), range_start=at(1, 1), range_end=at(1, 20))
    assert cell(to_the_theft, "activity", ("Thefts",), "Events") == 0  # the end is not included
    past_the_theft = figures_as_of(as_of=at(3, 1), range_start=at(1, 1), range_end=at(1, 21))
    assert cell(past_the_theft, "activity", ("Thefts",), "Events") == 1
    assert cell(past_the_theft, "activity", ("Issues",), "Events") == 2
