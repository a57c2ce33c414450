"""One write of a person (`portal.services.person_update`) for the Portal admin's form, the HR CSV
import and the HR API: each saves through it, and a leaving date set by each opens the person's
leaver case exactly once, in the actor's name."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import api_token_create
from devices.leavers.services import LeaverError
from devices.models import LeaverCase
from portal import admin as portal_admin_module
from portal import resources as portal_resources
from portal import services
from portal.models import User
from portal.services import leaving_date_changed, people_import, person_update
from tests.admin_forms import person_change_data
from tests.devices.leavers.leaver_helpers import leaving_in, team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "payroll_number,first_name,last_name,email,rank_or_grade,command_unit,team,supervisor_payroll_number,leaving_date"
)


@pytest.fixture
def told():
    """Every leaving_date_changed sent, as (payroll number, leaving date, source)."""
    sent = []

    def receiver(sender, *, person, leaving_date, source, **kwargs):
        sent.append((person.payroll_number, leaving_date, source))

    leaving_date_changed.connect(receiver, dispatch_uid="test_person_update_told")
    yield sent
    leaving_date_changed.disconnect(dispatch_uid="test_person_update_told")


@pytest.fixture
def through_the_service(monkeypatch):
    """The sources of the calls to person_update made by the admin and the import resource (the
    HR API imports through the resource)."""
    calls = []

    def spy(**kwargs):
        calls.append(kwargs["source"])
        return person_update(**kwargs)

    monkeypatch.setattr(portal_admin_module, "person_update", spy)
    monkeypatch.setattr(portal_resources, "person_update", spy)
    return calls


def _hr_row(person: User, leaving_date: str) -> str:
    supervisor = person.supervisor.payroll_number if person.supervisor_id else ""
    return (
        f"{person.payroll_number},{person.first_name},{person.last_name},{person.email},{person.rank_or_grade},"
        f"{person.command_unit},{person.team},{supervisor},{leaving_date}"
    )


def test_the_admins_person_form_saves_through_the_service_and_opens_one_case(
    client, portal_admin, told, through_the_service
):
    _sergeant, officer = team()
    client.force_login(portal_admin)
    url = reverse("admin:portal_user_change", args=[officer.pk])
    data = person_change_data(client, url, officer, supervisor=officer.supervisor_id)

    response = client.post(url, {**data, "leaving_date": leaving_in(20).isoformat()})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert through_the_service == ["admin"]
    assert told == [(officer.payroll_number, leaving_in(20), "admin")]
    case = LeaverCase.objects.get(person=officer)
    assert (case.source, case.opened_by, case.leaving_date) == ("admin", portal_admin, leaving_in(20))

    # Saved again with the same date: nothing more is told, no second case.
    through_the_service.clear()
    told.clear()
    again = person_change_data(
        client, url, officer, supervisor=officer.supervisor_id, leaving_date=leaving_in(20).isoformat()
    )
    assert client.post(url, again).status_code == 302
    assert through_the_service == ["admin"] and told == []
    assert LeaverCase.objects.filter(person=officer).count() == 1


def test_the_hr_csv_import_saves_through_the_service_and_opens_one_case(told, through_the_service):
    sergeant, officer = team()
    text = "\n".join([HEADER, _hr_row(sergeant, ""), _hr_row(officer, leaving_in(40).isoformat())])

    report = people_import(csv_text=text)

    assert report.ok, report.errors
    assert set(through_the_service) == {"hr_import"}
    assert told == [(officer.payroll_number, leaving_in(40), "hr_import")]
    assert LeaverCase.objects.get(person=officer).source == "hr_import"

    told.clear()
    assert people_import(csv_text=text).ok  # the same file again tells nothing
    assert told == [] and LeaverCase.objects.filter(person=officer).count() == 1


def test_a_new_person_in_the_hr_file_is_told_once_their_supervisor_is_linked(told):
    """A supervisor later in the file than their team is linked before the leaving date is told."""
    seen = []
    leaving_date_changed.connect(
        lambda sender, person, **kw: seen.append(person.supervisor.payroll_number if person.supervisor_id else ""),
        dispatch_uid="test_person_update_supervisor",
        weak=False,
    )
    try:
        report = people_import(
            csv_text="\n".join(
                [
                    HEADER,
                    f"PC7001,Sam,Okafor,pc7001@police.example,Constable,North,Response 1,PS7002,{leaving_in(30)}",
                    "PS7002,Ade,Bello,ps7002@police.example,Sergeant,North,Response 1,,",
                ]
            )
        )
    finally:
        leaving_date_changed.disconnect(dispatch_uid="test_person_update_supervisor")
    assert report.ok, report.errors
    assert told == [("PC7001", leaving_in(30), "hr_import")] and seen == ["PS7002"]
    assert LeaverCase.objects.filter(person__payroll_number="PC7001").count() == 1


def test_the_hr_api_saves_through_the_service_and_opens_one_case(portal_admin, told, through_the_service):
    person = UserFactory(payroll_number="PC2001")
    token, raw = api_token_create(actor=portal_admin, name="HR feed", scope="hr", service_account_id="SVCHR")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    batch = {"people": [{"payroll_number": "PC2001", "leaving_date": "2026-07-31"}]}

    response = api.post("/api/v1/hr/people/", batch, format="json")

    assert response.status_code == 200, response.content
    assert set(through_the_service) == {"hr_import"}
    assert told == [("PC2001", datetime.date(2026, 7, 31), "hr_import")]
    case = LeaverCase.objects.get(person=person)
    assert case.opened_by == token.service_account

    told.clear()
    assert api.post("/api/v1/hr/people/", batch, format="json").status_code == 200
    assert told == [] and LeaverCase.objects.filter(person=person).count() == 1


# --- the service itself -----------------------------------------------------------------------------
def test_a_change_that_leaves_the_leaving_date_alone_tells_nothing(portal_admin, told):
    person = UserFactory(team="Response 1")
    person.team = "Response 2"

    person_update(person=person, actor=portal_admin, source="admin")

    person.refresh_from_db()
    assert person.team == "Response 2" and told == []
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.actor == portal_admin and "team" in entry.changes_dict


def test_a_new_person_is_saved_and_a_cleared_date_is_told_with_its_reason(portal_admin, told):
    _sergeant, officer = team()
    new = User(payroll_number="PC9001", first_name="Jo", last_name="Hale", email="pc9001@police.example")
    assert person_update(person=new, actor=portal_admin, source="admin").pk is not None
    assert told == []

    officer.leaving_date = leaving_in(10)
    person_update(person=officer, actor=portal_admin, source="admin")
    officer.leaving_date = None
    person_update(person=officer, actor=portal_admin, source="admin", reason="Stays after all")

    assert told == [(officer.payroll_number, leaving_in(10), "admin"), (officer.payroll_number, None, "admin")]
    case = LeaverCase.objects.get(person=officer)
    assert case.status == LeaverCase.Status.CANCELLED and case.cancel_reason == "Stays after all"


def test_a_date_saved_by_an_earlier_step_is_told_without_saving_again(told):
    _sergeant, officer = team()
    User.objects.filter(pk=officer.pk).update(leaving_date=leaving_in(15))
    officer.refresh_from_db()

    services.person_update(person=officer, actor=None, source="hr_import", update_fields=[], leaving_date_was=None)

    assert told == [(officer.payroll_number, leaving_in(15), "hr_import")]
    assert LeaverCase.objects.get(person=officer).leaving_date == leaving_in(15)


def test_a_refusal_by_the_leaver_case_rolls_the_save_back(portal_admin):
    _sergeant, officer = team()
    officer.is_active = False
    officer.save()
    officer.leaving_date = leaving_in(10)

    with pytest.raises(LeaverError, match="deactivated"):
        person_update(person=officer, actor=portal_admin, source="admin")

    officer.refresh_from_db()
    assert officer.leaving_date is None
