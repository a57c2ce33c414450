"""Opening a leaver case from each source, what its lines are, new kit joining it, and moving
or removing the leaving date (devices.leavers.services.cases and the portal's hooks)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from devices.core.services import device_issue
from devices.leavers import services as leavers
from devices.models import LeaverCase, LeaverEvent, LeaverLine, LeaverPropertyKind
from portal.models import User
from portal.services import people_import
from tests.admin_forms import person_change_data
from tests.devices.leavers.leaver_helpers import PROPERTY, descriptions, leaving_in, open_case, team

pytestmark = pytest.mark.django_db

HEADER = (
    "payroll_number,first_name,last_name,email,rank_or_grade,command_unit,team,supervisor_payroll_number,leaving_date"
)


def _hr_row(person: User, leaving_date: str) -> str:
    supervisor = person.supervisor.payroll_number if person.supervisor_id else ""
    return (
        f"{person.payroll_number},{person.first_name},{person.last_name},{person.email},{person.rank_or_grade},"
        f"{person.command_unit},{person.team},{supervisor},{leaving_date}"
    )


def _person_form(client, person, **changes) -> tuple[str, dict]:
    url = reverse("admin:portal_user_change", args=[person.pk])
    return url, person_change_data(client, url, person, supervisor=person.supervisor_id, **changes)


def test_the_property_kinds_are_seeded_by_the_migration():
    assert list(LeaverPropertyKind.objects.filter(is_active=True).values_list("name", flat=True)) == PROPERTY


def test_a_supervisor_opens_a_case_listing_kit_held_and_every_active_property_kind(
    make_device, laptop_model, bar, tech_bar_staff
):
    sergeant, officer = team()
    phone, laptop = make_device(), make_device(model=laptop_model)
    for device in (phone, laptop):
        device_issue(device=device, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    LeaverPropertyKind.objects.filter(name="Radio").update(is_active=False)  # no longer issued

    case = open_case(officer, sergeant, days=30)

    assert case.status == LeaverCase.Status.OPEN and case.source == LeaverCase.Source.SUPERVISOR
    assert case.opened_by == sergeant and case.leaving_date == leaving_in(30)
    assert descriptions(case) == [
        f"Samsung Galaxy XCover 7 ({phone.asset_tag})",
        f"Dell Latitude 5450 ({laptop.asset_tag})",
        "Warrant or ID card",
        "Body-worn camera",
        "Access fob",
        "Other",
    ]
    assert all(line.outcome == "" and line.ended_at is None for line in case.lines.all())
    officer.refresh_from_db()
    assert officer.leaving_date == leaving_in(30)
    assert case.events.get().kind == LeaverEvent.Kind.OPENED
    assert sorted(case.steps.values_list("step", flat=True)) == [
        "escalation_1d",
        "overdue_7d",
        "reminder_14d",
        "reminder_3d",
    ]


def test_a_returned_device_is_not_on_the_case(make_device, bar, tech_bar_staff):
    from devices.core.services import device_return

    sergeant, officer = team()
    phone = make_device()
    device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    device_return(device=phone, actor=tech_bar_staff, tech_bar=bar, reason="faulty")

    case = open_case(officer, sergeant)

    assert not case.lines.filter(assignment__isnull=False).exists()


def test_a_portal_admin_opens_a_case_in_the_admin(client, portal_admin):
    _sergeant, officer = team()
    client.force_login(portal_admin)
    url, data = _person_form(client, officer, leaving_date=leaving_in(20).isoformat())

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    case = LeaverCase.objects.get(person=officer)
    assert case.source == LeaverCase.Source.ADMIN and case.opened_by == portal_admin
    assert case.leaving_date == leaving_in(20)


def test_the_admin_refuses_to_remove_a_date_without_a_reason_and_keeps_the_case(client, portal_admin):
    sergeant, officer = team()
    case = open_case(officer, sergeant, days=20)
    client.force_login(portal_admin)
    url, data = _person_form(client, officer, leaving_date="")

    response = client.post(url, {**data, "leaving_date_reason": "  "})

    assert response.status_code == 200
    assert "Say why the leaving date is removed." in response.content.decode()
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN
    officer.refresh_from_db()
    assert officer.leaving_date == leaving_in(20)

    response = client.post(url, {**data, "leaving_date_reason": "Transfer withdrawn: they stay"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CANCELLED
    assert case.cancel_reason == "Transfer withdrawn: they stay"
    assert all(step.cancelled_at for step in case.steps.all())


def test_the_hr_import_opens_moves_and_cancels_cases(tmp_path):
    sergeant, officer = team()
    csv = tmp_path / "people.csv"
    sergeant_row = _hr_row(sergeant, "")

    csv.write_text("\n".join([HEADER, sergeant_row, _hr_row(officer, leaving_in(40).isoformat())]) + "\n")
    call_command("import_people", str(csv), stdout=io.StringIO())
    case = LeaverCase.objects.get(person=officer)
    assert case.source == LeaverCase.Source.HR_IMPORT and case.opened_by is None
    assert case.leaving_date == leaving_in(40)

    # The same file again changes nothing.
    call_command("import_people", str(csv), stdout=io.StringIO())
    assert LeaverCase.objects.filter(person=officer).count() == 1

    report = people_import(csv_text="\n".join([HEADER, sergeant_row, _hr_row(officer, leaving_in(35).isoformat())]))
    assert report.ok, report.errors
    case.refresh_from_db()
    assert case.leaving_date == leaving_in(35)
    assert case.events.filter(kind=LeaverEvent.Kind.DATE_MOVED).exists()

    report = people_import(csv_text="\n".join([HEADER, sergeant_row, _hr_row(officer, "")]))
    assert report.ok, report.errors
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CANCELLED
    assert case.cancel_reason == "Leaving date removed by the HR import."


def test_a_dry_run_of_the_hr_import_opens_nothing():
    sergeant, officer = team()
    report = people_import(
        csv_text="\n".join([HEADER, _hr_row(sergeant, ""), _hr_row(officer, leaving_in(40).isoformat())]),
        dry_run=True,
    )
    assert report.ok and report.updated == 1
    assert not LeaverCase.objects.exists()
    officer.refresh_from_db()
    assert officer.leaving_date is None


def test_kit_issued_after_the_case_opened_joins_it(make_device, bar, tech_bar_staff):
    sergeant, officer = team()
    case = open_case(officer, sergeant)
    phone = make_device()

    assignment = device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)

    line = case.lines.get(assignment=assignment)
    assert line.description == f"Samsung Galaxy XCover 7 ({phone.asset_tag})" and line.outcome == ""
    assert case.events.filter(kind=LeaverEvent.Kind.LINE_ADDED, line=line).exists()
    # Devices come first, then property in the list's order, whatever the database.
    assert [x.description for x in case.lines.all()] == [line.description, *PROPERTY]
    from devices.leavers.selectors.cases import leaver_case_open_for

    assert [x.description for x in leaver_case_open_for(person=officer).lines.all()] == [line.description, *PROPERTY]


def test_kit_issued_to_someone_without_an_open_case_joins_nothing(make_device, bar, tech_bar_staff):
    sergeant, officer = team()
    open_case(officer, sergeant)
    other = team()[1]
    device_issue(device=make_device(), holder=other, actor=tech_bar_staff, tech_bar=bar)
    assert LeaverLine.objects.filter(assignment__holder=other).count() == 0


def test_moving_the_date_keeps_the_case_and_its_lines():
    sergeant, officer = team()
    case = open_case(officer, sergeant, days=30)
    lines = descriptions(case)

    moved = leavers.leaver_date_set(
        person=officer, leaving_date=leaving_in(45), actor=sergeant, source="supervisor", reason="Notice extended"
    )

    assert moved.pk == case.pk and moved.leaving_date == leaving_in(45)
    assert descriptions(moved) == lines
    event = moved.events.get(kind=LeaverEvent.Kind.DATE_MOVED)
    assert event.actor == sergeant and event.note.endswith("Notice extended")


def test_removing_the_date_needs_a_reason_and_cancels_the_case():
    sergeant, officer = team()
    case = open_case(officer, sergeant)

    with pytest.raises(leavers.LeaverError, match="Say why the leaving date is removed"):
        leavers.leaver_date_set(person=officer, leaving_date=None, actor=sergeant, source="supervisor")
    case.refresh_from_db()
    assert case.status == LeaverCase.Status.OPEN

    cancelled = leavers.leaver_date_set(
        person=officer, leaving_date=None, actor=sergeant, source="supervisor", reason="Stays with us"
    )

    assert cancelled.status == LeaverCase.Status.CANCELLED and cancelled.cancel_reason == "Stays with us"
    officer.refresh_from_db()
    assert officer.leaving_date is None
    # A new date later opens a new case; the cancelled one stays as it was.
    again = open_case(officer, sergeant, days=60)
    assert again.pk != case.pk and again.status == LeaverCase.Status.OPEN


def test_only_their_supervisor_or_a_portal_admin_sets_a_leaving_date(portal_admin, tech_bar_staff):
    _sergeant, officer = team()
    other_sergeant, _ = team()
    for actor in (other_sergeant, tech_bar_staff, officer):
        with pytest.raises(leavers.LeaverNotAllowed):
            leavers.leaver_date_set(person=officer, leaving_date=leaving_in(9), actor=actor, source="supervisor")
    assert not LeaverCase.objects.exists()

    case = leavers.leaver_date_set(person=officer, leaving_date=leaving_in(9), actor=portal_admin, source="admin")
    assert case.opened_by == portal_admin


def test_bad_input_is_refused_with_a_message():
    sergeant, officer = team()
    with pytest.raises(leavers.LeaverError, match="as a date"):
        leavers.leaver_date_set(person=officer, leaving_date="2026-07-01", actor=sergeant, source="supervisor")
    with pytest.raises(leavers.LeaverError, match="not a time"):
        leavers.leaver_date_set(
            person=officer, leaving_date=datetime.datetime(2026, 7, 1, 9), actor=sergeant, source="supervisor"
        )
    with pytest.raises(leavers.LeaverError, match="Unknown source"):
        leavers.leaver_date_set(person=officer, leaving_date=leaving_in(3), actor=sergeant, source="gossip")
    assert not LeaverCase.objects.exists()


def test_one_open_case_per_person_is_kept_by_the_database():
    from django.db import IntegrityError, transaction

    sergeant, officer = team()
    open_case(officer, sergeant)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaverCase.objects.create(person=officer, leaving_date=leaving_in(5), source="admin")


def test_the_admins_hr_import_opens_the_case_in_their_name(client, portal_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sergeant, officer = team()
    text = "\n".join([HEADER, _hr_row(sergeant, ""), _hr_row(officer, leaving_in(25).isoformat())]) + "\n"
    client.force_login(portal_admin)
    upload = SimpleUploadedFile("hr.csv", text.encode(), "text/csv")
    checked = client.post("/admin/portal/user/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert checked.status_code == 200 and not LeaverCase.objects.exists()  # the check is a dry run

    confirmed = client.post("/admin/portal/user/process_import/", checked.context["confirm_form"].initial)

    assert confirmed.status_code == 302
    case = LeaverCase.objects.get(person=officer)
    assert (case.source, case.opened_by, case.leaving_date) == ("hr_import", portal_admin, leaving_in(25))


@pytest.mark.parametrize("day", ["1900-01-01", "2099-12-31"])
def test_the_hr_import_bounds_a_leaving_date_like_the_supervisors_form(day):
    """a CSV row with 1900-01-01 fired every escalation at once."""
    sergeant, officer = team()
    report = people_import(csv_text="\n".join([HEADER, _hr_row(sergeant, ""), _hr_row(officer, day)]))
    assert not report.ok
    assert any("within 5 years of today" in error for error in report.errors), report.errors
    officer.refresh_from_db()
    assert officer.leaving_date is None and not LeaverCase.objects.exists()


def test_the_hr_import_keeps_an_old_leaving_date_it_already_holds():
    """A leaver of long ago, sent unchanged in every file, is not refused for it."""
    sergeant, officer = team()
    old = datetime.date(2019, 3, 31)
    User.objects.filter(pk=officer.pk).update(leaving_date=old)
    report = people_import(csv_text="\n".join([HEADER, _hr_row(sergeant, ""), _hr_row(officer, old.isoformat())]))
    assert report.ok, report.errors
