"""Officers and staff counted apart, from the rank each person held at the time (a police rank
makes an officer; police staff, PCSOs and no rank at all make staff), with disclosure control."""

import pytest

from devices.figures.disclosure import PRIMARY, SECONDARY, held_back_cells
from devices.figures.ranks import is_officer
from devices.figures.selectors import figures_as_of
from tests.devices.figures.history import at, cell, issued, received, stood
from tests.factories import DeviceFactory, DeviceModelFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rank", "officer"),
    [
        ("Police Constable", True),
        ("PC", True),
        (" detective  chief inspector ", True),
        ("Special Constable", True),
        ("Ch Supt", True),
        ("Commissioner", True),
        ("PCSO", False),
        ("Police Community Support Officer", False),
        ("Police Staff", False),
        ("Band E", False),
        ("", False),
    ],
)
def test_a_police_rank_makes_an_officer_and_anything_else_staff(rank, officer):
    assert is_officer(rank) is officer


@pytest.fixture
def force():
    actor = UserFactory()
    phone = DeviceModelFactory(kind="smartphone", operating_system="Android 15")
    ann, bob, cat = UserFactory(), UserFactory(), UserFactory()
    stood(ann, at(1, 1), unit="North", team="Neighbourhood", rank="Police Constable")
    stood(bob, at(1, 1), unit="North", team="Neighbourhood", rank="Band C")
    stood(cat, at(1, 1), unit="North", team="Neighbourhood", rank="PCSO")
    # Bob, on the staff, becomes a Police Constable on 1 March.
    stood(bob, at(3, 1), unit="North", team="Neighbourhood", rank="Police Constable")
    for person in (ann, bob):
        device = DeviceFactory(model=phone)
        received(device, at(1, 2), actor=actor)
        issued(device, person, at(1, 5), actor=actor)
    return actor


def test_officers_and_staff_are_counted_apart_as_they_stood(force):
    before = figures_as_of(as_of=at(2, 1))
    assert cell(before, "units", ("North", "Neighbourhood"), "Officers in post") == 1
    assert cell(before, "units", ("North", "Neighbourhood"), "Staff in post") == 2
    assert cell(before, "kinds", ("Smartphone",), "Officers holding one") == 1
    assert cell(before, "kinds", ("Smartphone",), "Staff holding one") == 1
    assert cell(before, "families", ("Android",), "Staff holding one") == 1
    assert cell(before, "units", ("North", "All teams"), "Staff holding a device") == 1
    after = figures_as_of(as_of=at(3, 1))
    assert cell(after, "units", ("North", "Neighbourhood"), "Officers in post") == 2
    assert cell(after, "kinds", ("Total",), "Officers holding one") == 2
    assert cell(after, "kinds", ("Total",), "Staff holding one") == 0
    assert cell(after, "units", ("Total",), "People in post") == 3


def test_officers_and_staff_add_up_to_people_so_a_small_one_takes_another_with_it(force):
    people = [UserFactory() for _ in range(10)]
    for person in people:
        stood(person, at(1, 1), unit="North", team="Neighbourhood", rank="Police Staff")
    table = figures_as_of(as_of=at(2, 1)).table("units")
    row = next(i for i, (labels, _) in enumerate(table.rows) if labels == ("North", "Neighbourhood"))
    officers, staff = table.columns.index("Officers in post"), table.columns.index("Staff in post")
    assert table.rows[row][1][officers] == 1 and table.rows[row][1][staff] == 12
    held = held_back_cells(table, limit=5)
    assert held[(row, officers)] == PRIMARY
    assert held[(row, staff)] == SECONDARY
