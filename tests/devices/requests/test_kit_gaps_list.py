"""The kit gaps list: who lacks part of their standard kit (a retired model counts as missing),
who may see whom, the filters, the export, the navigation, and a page that costs the same number
of queries at 3 people or 40."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devices.models import DeviceModel, KitEntitlement
from portal.models import Role
from portal.navigation import nav_items_for
from tests.factories import UserFactory

GAPS = reverse("devices:kit_gaps")


@pytest.fixture(autouse=True)
def standard_kit(db):
    """Officers: a smartphone and a laptop (as migration 0010 seeds it)."""
    for kind in ("smartphone", "laptop"):
        KitEntitlement.objects.get_or_create(role=Role.OFFICER, team="", kind=kind, defaults={"quantity": 1})


@pytest.fixture
def fully_kitted(make_device, laptop_model, issued):
    def _kitted(person):
        issued(make_device(), person)
        issued(make_device(model=laptop_model), person)
        return person

    return _kitted


def _names(response) -> set[str]:
    return {row.record.get_full_name() for row in response.context["table"].page.object_list}


def test_people_missing_kit_are_listed_and_a_retired_model_counts_as_missing(
    client, tech_bar_staff, make_device, issued, fully_kitted
):
    kitted = fully_kitted(UserFactory(last_name="Kitted"))
    no_laptop = UserFactory(last_name="Nolaptop")
    issued(make_device(), no_laptop)
    old_laptop = UserFactory(last_name="Oldlaptop")
    issued(make_device(), old_laptop)
    retired = DeviceModel.objects.create(make="Dell", model_name="E7470", kind="laptop")
    issued(make_device(model=retired), old_laptop)
    retired.retired = True  # issued while current, retired since: it no longer counts
    retired.save(update_fields=["retired"])
    client.force_login(tech_bar_staff)
    response = client.get(GAPS)
    assert response.status_code == 200
    names = _names(response)
    assert no_laptop.get_full_name() in names and old_laptop.get_full_name() in names
    assert kitted.get_full_name() not in names
    assert "Laptop" in response.text


def test_a_supervisor_sees_their_team_and_the_data_office_everyone(client, supervisor, data_office, officer):
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    stranger = UserFactory()
    client.force_login(supervisor)
    names = _names(client.get(GAPS))
    assert officer.get_full_name() in names and stranger.get_full_name() not in names
    client.force_login(data_office)
    names = _names(client.get(GAPS))
    assert officer.get_full_name() in names and stranger.get_full_name() in names


def test_an_officer_may_not_see_the_list_nor_its_link(client, officer, supervisor, tech_bar_staff, data_office):
    client.force_login(officer)
    assert client.get(GAPS).status_code == 403
    assert "Kit gaps" not in [item.label for item in nav_items_for(user=officer, path="/")]
    for user in (supervisor, tech_bar_staff, data_office):
        assert "Kit gaps" in [item.label for item in nav_items_for(user=user, path="/")]


def test_each_role_sees_its_request_links(officer, supervisor, tech_bar_staff):
    labels = {user: [item.label for item in nav_items_for(user=user, path="/")] for user in (officer, supervisor)}
    assert "Device requests" in labels[officer] and "Approvals" not in labels[officer]
    assert "Approvals" in labels[supervisor]
    tech = [item.label for item in nav_items_for(user=tech_bar_staff, path="/")]
    assert "Requests at my Tech Bar" in tech and "Approvals" not in tech


def test_filters_narrow_the_list_and_bad_input_is_a_400(client, data_office, make_device, issued):
    north = UserFactory(command_unit="North", team="Response 1", last_name="Northern")
    south = UserFactory(command_unit="South", team="Response 2", last_name="Southern")
    issued(make_device(), south)  # holds a phone: lacks only a laptop
    client.force_login(data_office)
    names = _names(client.get(GAPS, {"command_unit": "South"}))
    assert south.get_full_name() in names and north.get_full_name() not in names
    names = _names(client.get(GAPS, {"team": "Response 1"}))
    assert north.get_full_name() in names and south.get_full_name() not in names
    names = _names(client.get(GAPS, {"kind": "smartphone"}))
    assert north.get_full_name() in names and south.get_full_name() not in names
    # Missing since: their gap began (joined, or last handed one back) on or before the date.
    north.date_joined = north.date_joined.replace(year=2025)
    north.save(update_fields=["date_joined"])
    names = _names(client.get(GAPS, {"since": north.date_joined.date().replace(month=12, day=31).isoformat()}))
    assert north.get_full_name() in names and south.get_full_name() not in names
    assert client.get(GAPS, {"kind": "typewriter"}).status_code == 400
    response = client.get(GAPS, {"since": "31/02/2026"})
    assert response.status_code == 400 and "real date" in response.text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_missing_since_date_out_of_range_is_a_400_with_the_forms_message(client, data_office, day):
    client.force_login(data_office)
    for query in ({"since": day}, {"since": day, "_export": "csv"}):
        response = client.get(GAPS, query)
        assert response.status_code == 400
        assert "enter a date between 1900 and 2100" in response.text


def test_a_supervisor_filters_only_by_their_own_teams(client, supervisor, officer):
    officer.supervisor = supervisor
    officer.team = "Response 3"
    officer.save(update_fields=["supervisor", "team"])
    UserFactory(team="Neighbourhood 9")
    client.force_login(supervisor)
    page = client.get(GAPS).text
    assert "Response 3" in page and "Neighbourhood 9" not in page


def test_the_export_is_every_gap_as_csv(client, data_office):
    people = [UserFactory(last_name=f"Export{n}") for n in range(3)]
    client.force_login(data_office)
    response = client.get(GAPS, {"_export": "csv"})
    assert response.status_code == 200 and "kit-gaps-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0][:2] == ["Name", "Payroll number"]
    exported = {row[1] for row in rows[1:]}
    assert {p.payroll_number for p in people} <= exported
    assert all(row[4] == "Smartphone; Laptop" for row in rows[1:] if row[1] in exported)
    xlsx = client.get(GAPS, {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")  # a zip: the XLSX workbook


def _people_with_gaps(count, *, make_device, issued):
    for n in range(count):
        person = UserFactory(command_unit="East")
        if n % 2:
            issued(make_device(), person)


def test_the_list_costs_the_same_at_3_or_40_people(
    client, tech_bar_staff, make_device, issued, django_assert_max_num_queries
):
    _people_with_gaps(3, make_device=make_device, issued=issued)
    client.force_login(tech_bar_staff)
    client.get(GAPS)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(GAPS, {"command_unit": "East"}).status_code == 200
    _people_with_gaps(37, make_device=make_device, issued=issued)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(GAPS, {"command_unit": "East"})
    assert len(response.context["table"].page.object_list) == 40
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(GAPS, {"command_unit": "East", "_export": "csv"}).getvalue().count(b"\n") == 41


def test_the_count_stops_at_the_cap(client, tech_bar_staff, make_device, issued, monkeypatch):
    """Counting works out each person's kit: it stops at the cap and the page says "more than"."""
    from devices.requests.views import KitGapsView

    monkeypatch.setattr(KitGapsView, "count_cap", 5)
    _people_with_gaps(12, make_device=make_device, issued=issued)  # everyone lacks a laptop
    client.force_login(tech_bar_staff)
    response = client.get(GAPS, {"command_unit": "East", "per_page": "4"})
    table = response.context["table"]
    assert table.count_capped and table.count_shown == 5 and table.page.has_next()
    assert "more than 5 in all: narrow with the filters" in response.content.decode()
    last = client.get(GAPS, {"command_unit": "East", "per_page": "4", "page": "3"})
    assert last.status_code == 200 and len(last.context["table"].page.object_list) == 4
    assert not last.context["table"].page.has_next()
