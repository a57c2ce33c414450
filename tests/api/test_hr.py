"""HR's writes: people upserted by payroll number with the HR feed's rules, all or none."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group

from portal.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/hr/people/"


@pytest.fixture
def hr(api_as):
    return api_as("hr")


def _person(payroll: str, **fields) -> dict:
    return {
        "payroll_number": payroll,
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": f"{payroll.lower()}@police.example",
        "rank_or_grade": "Police Constable",
        "command_unit": "North",
        "team": "Response 2",
        **fields,
    }


def test_people_are_created_with_their_supervisor_and_the_officer_role(hr):
    batch = {"people": [_person("PC2001", supervisor_payroll_number="PS3001"), _person("PS3001", first_name="Ade")]}
    response = hr.post(URL, batch, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "people": [
            {"index": 0, "payroll_number": "PC2001", "result": "created"},
            {"index": 1, "payroll_number": "PS3001", "result": "created"},
        ]
    }
    person = User.objects.get(payroll_number="PC2001")
    assert person.supervisor.payroll_number == "PS3001" and not person.has_usable_password()
    assert person.groups.filter(name=Role.OFFICER).exists()
    assert User.objects.get(payroll_number="PS3001").groups.filter(name=Role.SUPERVISOR).exists()
    created = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert created.actor == hr.token.service_account


def test_the_same_batch_twice_changes_nothing(hr):
    batch = {"people": [_person("PC2001"), _person("PC2002")]}
    assert hr.post(URL, batch, format="json").status_code == 200
    entries = LogEntry.objects.count()
    again = hr.post(URL, batch, format="json")
    assert [p["result"] for p in again.json()["people"]] == ["unchanged", "unchanged"]
    assert LogEntry.objects.count() == entries


def test_an_update_keeps_what_the_item_leaves_out_and_the_leaving_date(hr):
    person = UserFactory(payroll_number="PC2001", team="Response 1", leaving_date=datetime.date(2026, 7, 31))
    response = hr.post(URL, {"people": [{"payroll_number": "pc2001", "team": "Response 4"}]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["people"][0]["result"] == "updated"
    person.refresh_from_db()
    assert person.team == "Response 4" and person.leaving_date == datetime.date(2026, 7, 31)
    assert person.email == "pc2001@police.example"


def test_a_bad_item_refuses_the_whole_batch(hr):
    batch = {
        "people": [
            _person("PC2001"),
            _person("PC2002", email="not an email"),
            _person("PC2003", supervisor_payroll_number="PS9999"),
            _person("PC2004", last_name="Line\nbreak"),
        ]
    }
    response = hr.post(URL, batch, format="json")
    assert response.status_code == 400
    errors = response.json()["people"]
    assert errors[0] == {}
    assert "not an email address" in errors[1]["email"][0]
    assert "PS9999" in errors[2]["supervisor_payroll_number"][0]
    assert "line break" in errors[3]["last_name"][0]
    assert not User.objects.filter(payroll_number__startswith="PC200").exists()


def test_a_new_person_needs_a_name_and_email(hr):
    response = hr.post(URL, {"people": [{"payroll_number": "PC2001"}]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["people"][0]) >= {"email"}
    assert not User.objects.filter(payroll_number="PC2001").exists()


def test_unknown_fields_are_refused(hr):
    response = hr.post(URL, {"people": [_person("PC2001", leaving_on="2026-08-01")]}, format="json")
    assert response.status_code == 400
    assert response.json()["people"] == [{"leaving_on": ["Unknown field."]}]
    assert not User.objects.filter(payroll_number="PC2001").exists()


def test_an_unknown_field_does_not_hide_the_other_items_errors(hr):
    batch = {
        "people": [
            _person("PC2001", leaving_on="2026-08-01"),
            _person("PC2002", supervisor_payroll_number="PS9999"),
            {"payroll_number": "PC2003"},
            _person("PC2004"),
        ]
    }
    response = hr.post(URL, batch, format="json")
    assert response.status_code == 400
    errors = response.json()["people"]
    assert errors[0] == {"leaving_on": ["Unknown field."]}
    assert "PS9999" in errors[1]["supervisor_payroll_number"][0]
    assert "email" in errors[2]
    assert errors[3] == {}
    assert not User.objects.filter(payroll_number__startswith="PC200").exists()


def test_a_service_account_is_not_a_person(hr, make_token):
    make_token("read", account="SVCREPORTS")
    response = hr.post(URL, {"people": [_person("SVCREPORTS")]}, format="json")
    assert response.status_code == 400
    assert "service account" in response.json()["people"][0]["payroll_number"][0]
    assert not Group.objects.get(name=Role.OFFICER).user_set.filter(payroll_number="SVCREPORTS").exists()


def test_an_email_another_person_has_is_refused_not_a_crash(hr):
    UserFactory(payroll_number="PC1000", email="shared@police.example")
    response = hr.post(URL, {"people": [_person("PC2001", email="Shared@police.example")]}, format="json")
    assert response.status_code == 400
    assert "already exists" in str(response.json()["people"][0])
    assert not User.objects.filter(payroll_number="PC2001").exists()


# --- leaving dates: the leaver cases' own services, as the HR import and the pages use them -------
def test_a_leaving_date_by_api_opens_a_leaver_case_and_clearing_it_cancels_it(hr):
    from devices.models import LeaverCase

    person = UserFactory(payroll_number="PC2001")
    set_date = {"people": [{"payroll_number": "PC2001", "leaving_date": "2026-07-31"}]}
    response = hr.post(URL, set_date, format="json")
    assert response.status_code == 200, response.content
    case = LeaverCase.objects.get(person=person)
    assert case.status == LeaverCase.Status.OPEN and case.leaving_date == datetime.date(2026, 7, 31)
    assert case.source == LeaverCase.Source.HR_IMPORT and case.opened_by == hr.token.service_account
    # the same again: nothing new
    assert hr.post(URL, set_date, format="json").json()["people"][0]["result"] == "unchanged"
    assert LeaverCase.objects.filter(person=person).count() == 1
    # moved
    hr.post(URL, {"people": [{"payroll_number": "PC2001", "leaving_date": "2026-08-14"}]}, format="json")
    case.refresh_from_db()
    assert case.leaving_date == datetime.date(2026, 8, 14) and case.status == LeaverCase.Status.OPEN
    # cleared (null): the case is cancelled, with the HR import's reason
    cleared = hr.post(URL, {"people": [{"payroll_number": "PC2001", "leaving_date": None}]}, format="json")
    assert cleared.status_code == 200
    case.refresh_from_db()
    person.refresh_from_db()
    assert person.leaving_date is None and case.status == LeaverCase.Status.CANCELLED
    assert "HR import" in case.cancel_reason


def test_a_bad_leaving_date_is_a_field_error(hr):
    UserFactory(payroll_number="PC2001")
    response = hr.post(URL, {"people": [{"payroll_number": "PC2001", "leaving_date": "31/07"}]}, format="json")
    assert response.status_code == 400
    assert "leaving_date" in response.json()["people"][0]


@pytest.mark.parametrize("day", ["1900-01-01", "2099-12-31"])
def test_a_leaving_date_out_of_the_supervisor_forms_bounds_is_a_field_error(hr, day):
    """1900-01-01 by API fired every escalation of the case at once."""
    from devices.models import LeaverCase

    person = UserFactory(payroll_number="PC2001")
    response = hr.post(URL, {"people": [{"payroll_number": "PC2001", "leaving_date": day}]}, format="json")
    assert response.status_code == 400
    assert "within 5 years of today" in response.json()["people"][0]["leaving_date"][0]
    person.refresh_from_db()
    assert person.leaving_date is None and not LeaverCase.objects.exists()
