"""A person's dated history (command unit, team, rank, active): every write of a person through
`person_update` (admin, HR import, HR API) and the leavers' deactivation adds a row when one of
those changed, and never otherwise; rows are never changed."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from portal.models import PersonHistory
from portal.services import people_import, person_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "payroll_number,first_name,last_name,email,rank_or_grade,command_unit,team,supervisor_payroll_number,leaving_date"
)


def _rows(person):
    return list(
        PersonHistory.objects.filter(person=person)
        .order_by("valid_from", "pk")
        .values_list("command_unit", "team", "rank_or_grade", "is_active", "source")
    )


def test_a_change_of_team_through_the_service_adds_a_dated_row_and_a_save_without_one_does_not(portal_admin):
    person = UserFactory(command_unit="North", team="Response A", rank_or_grade="PC")
    person_update(person=person, actor=portal_admin, source="admin")
    person.first_name = "Renamed"
    person_update(person=person, actor=portal_admin, source="admin")
    with time_machine.travel(datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC), tick=False):
        person.team = "Neighbourhood 1"
        person_update(person=person, actor=portal_admin, source="admin")

    assert _rows(person) == [
        ("North", "Response A", "PC", True, "admin"),
        ("North", "Neighbourhood 1", "PC", True, "admin"),
    ]
    assert PersonHistory.objects.filter(person=person).order_by("-valid_from").first().valid_from == datetime.datetime(
        2026, 7, 1, 12, tzinfo=datetime.UTC
    )


def test_the_hr_import_writes_history_for_new_and_moved_people():
    text = "\n".join([HEADER, "AB123,Ann,Bee,ann@example.police.uk,PC,North,Response A,,"])
    assert people_import(csv_text=text).ok
    assert people_import(csv_text=text.replace("Response A", "Neighbourhood 2")).ok

    from portal.models import User

    person = User.objects.get(payroll_number="AB123")
    assert [row[:2] for row in _rows(person)] == [("North", "Response A"), ("North", "Neighbourhood 2")]
    assert {row[4] for row in _rows(person)} == {"hr_import"}


def test_deactivating_a_leaver_writes_their_inactive_row(portal_admin):
    from devices.leavers.services.accounts import _deactivate

    person = UserFactory(command_unit="North", team="Response A")
    person_update(person=person, actor=portal_admin, source="admin")
    _deactivate(person, None, actor=portal_admin, note="")
    assert [row[3] for row in _rows(person)] == [True, False]


def test_history_rows_are_never_changed():
    person = UserFactory()
    row = PersonHistory.objects.create(person=person, source="admin")
    row.team = "Elsewhere"
    with pytest.raises(ValidationError):
        row.save()


def test_the_data_migration_starts_everyones_history_from_todays_values():
    people = [
        UserFactory(command_unit="North", team="T1"),
        UserFactory(command_unit="South", team="T2", is_active=False),
    ]
    migration = importlib.import_module("portal.migrations.0010_person_history")
    migration.start_history_from_today(apps, None)
    for person in people:
        assert _rows(person) == [(person.command_unit, person.team, person.rank_or_grade, person.is_active, "start")]


def test_the_hr_api_writes_history_when_a_person_moves_team(portal_admin):
    from rest_framework.test import APIClient

    from api.services import api_token_create

    person = UserFactory(payroll_number="PC2001", command_unit="North", team="Response A")
    _token, raw = api_token_create(actor=portal_admin, name="HR feed", scope="hr", service_account_id="SVCHR")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    batch = {"people": [{"payroll_number": "PC2001", "team": "Neighbourhood 3"}]}
    assert api.post("/api/v1/hr/people/", batch, format="json").status_code == 200
    assert [row[:2] for row in _rows(person)] == [("North", "Neighbourhood 3")]


def _change_form_data(response) -> dict:
    """The admin change form's fields as the browser would post them back unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_a_change_of_team_saved_in_the_admin_adds_a_dated_row(client, portal_admin):
    from django.urls import reverse

    person = UserFactory(command_unit="North", team="Response A", rank_or_grade="PC")
    person_update(person=person, actor=portal_admin, source="hr_import")
    client.force_login(portal_admin)
    url = reverse("admin:portal_user_change", args=[person.pk])
    data = _change_form_data(client.get(url))
    data["team"] = "Neighbourhood 2"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert _rows(person) == [
        ("North", "Response A", "PC", True, "hr_import"),
        ("North", "Neighbourhood 2", "PC", True, "admin"),
    ]
