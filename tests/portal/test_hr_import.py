"""The HR feed import: valid file, a bad row changes nothing, the same file twice changes nothing."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from portal.models import Role, User
from portal.services import people_import

HEADER = (
    "payroll_number,first_name,last_name,email,rank_or_grade,command_unit,team,supervisor_payroll_number,leaving_date\n"
)
VALID = HEADER + (
    # the team member comes before their supervisor: supervisors are linked after all rows
    "p1001,Amina,Khan,amina.khan@police.example,Police Constable,North,Response 1,S2001,\n"
    "S2001,Gareth,Evans,Gareth.Evans@police.example,Sergeant,North,Response 1,,\n"
    "P1002,Lucy,Bell,lucy.bell@police.example,Police Staff,South,Enquiry Office,S2001,2027-03-31\n"
)


@pytest.mark.django_db
def test_valid_file_creates_people_with_supervisors_and_roles():
    report = people_import(csv_text=VALID)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    amina = User.objects.get(payroll_number="P1001")  # payroll numbers are upper-cased
    assert amina.supervisor.payroll_number == "S2001"
    assert amina.groups.filter(name=Role.OFFICER).exists()
    assert User.objects.get(payroll_number="S2001").groups.filter(name=Role.SUPERVISOR).exists()
    assert User.objects.get(payroll_number="S2001").email == "gareth.evans@police.example"
    assert str(User.objects.get(payroll_number="P1002").leaving_date) == "2027-03-31"
    assert not amina.has_usable_password()  # they sign in with Entra ID, not a password from a file


@pytest.mark.django_db
def test_a_bad_row_changes_nothing_and_names_its_line():
    bad = (
        VALID
        + "P1003,Tom,Ray,not-an-email,PC,North,Response 2,,\nP1004,Ann,Lee,ann@police.example,PC,North,R2,S9999,\n"
    )

    report = people_import(csv_text=bad)

    assert not report.ok
    assert any(e.startswith("line 5: email:") for e in report.errors), report.errors
    assert any(e.startswith("line 6: supervisor_payroll_number:") and "S9999" in e for e in report.errors)
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing():
    people_import(csv_text=VALID)
    entries_after_first = LogEntry.objects.count()

    report = people_import(csv_text=VALID)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert LogEntry.objects.count() == entries_after_first  # no audit noise either


@pytest.mark.django_db
def test_a_changed_row_updates_only_that_person():
    people_import(csv_text=VALID)
    changed = VALID.replace("South,Enquiry Office", "South,Custody")

    report = people_import(csv_text=changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert User.objects.get(payroll_number="P1002").team == "Custody"


@pytest.mark.django_db
def test_missing_column_is_reported():
    report = people_import(csv_text="payroll_number,first_name\nP1,A\n")
    assert not report.ok
    assert "no column" in report.errors[0]


@pytest.mark.django_db
def test_command_reports_errors_with_line_numbers(tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_text(VALID + "P1003,Tom,Ray,not-an-email,PC,North,Response 2,,\n")

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_people", str(path))

    assert "line 5: email" in capsys.readouterr().err
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_command_imports(tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_text(VALID)
    call_command("import_people", str(path))
    assert "3 new, 0 updated, 0 unchanged" in capsys.readouterr().out


@pytest.mark.django_db
def test_admin_import_checks_the_file_and_shows_line_errors(client, portal_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(portal_admin)
    assert client.get("/admin/portal/user/import/").status_code == 200
    upload = SimpleUploadedFile("hr.csv", (VALID + "P1003,Tom,Ray,not-an-email,PC,North,R2,,\n").encode(), "text/csv")
    response = client.post("/admin/portal/user/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    assert "not an email address" in response.content.decode()
    assert not User.objects.filter(payroll_number="P1001").exists()


@pytest.mark.django_db
def test_tech_bar_staff_who_may_look_at_people_cannot_import_them(client, tech_bar_staff, portal_admin):
    """The import creates and changes people (emails included, which sign-in matches on): it needs
    the add and change permissions, not just the view permission the Tech Bar holds."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = portal_admin
    row = f"{admin.payroll_number},{admin.first_name},{admin.last_name},someone.else@example.com,Sergeant,North,R1,,\n"
    client.force_login(tech_bar_staff)
    assert client.get("/admin/portal/user/").status_code == 200  # looking is allowed
    assert client.get("/admin/portal/user/import/").status_code == 403
    upload = SimpleUploadedFile("hr.csv", (HEADER + row).encode(), "text/csv")
    response = client.post("/admin/portal/user/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 403
    response = client.post(
        "/admin/portal/user/process_import/",
        {"import_file_name": "hr.csv", "original_file_name": "hr.csv", "format": "0", "resource": "0"},
    )
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.email != "someone.else@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row, column, words",
    [
        ('P1003,"Ann\nMarie",Jones,ann@police.example,PC,North,Response 2,,\n', "first_name", "a line break"),
        ("P1003,Ann,Jo\tnes,ann@police.example,PC,North,Response 2,,\n", "last_name", "a tab"),
        ("P1003,Ann,Jones,ann@police.example,PC\x00,North,Response 2,,\n", "rank_or_grade", "U+0000"),
        ("P1003,Ann,Jones,ann@police.example,PC,North\u202e,Response 2,,\n", "command_unit", "U+202E"),
        ('P1003,Ann,Jones,ann@police.example,PC,North,"Response\r\n2",,\n', "team", "a line break"),
    ],
)
def test_control_characters_are_refused_with_the_line_and_column(row, column, words):
    report = people_import(csv_text=VALID + row)

    assert not report.ok
    assert [e for e in report.errors if e.startswith(f"line 5: {column}:") and words in e], report.errors
    assert User.objects.count() == 0  # all or nothing


def test_the_command_names_the_line_with_a_line_break(tmp_path, db):
    path = tmp_path / "hr.csv"
    path.write_text(VALID + 'P1003,"Ann\nMarie",Jones,ann@police.example,PC,North,Response 2,,\n', encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_people", str(path), stderr=(err := io.StringIO()))

    assert "line 5: first_name: “Ann↵Marie” contains a line break" in err.getvalue()


@pytest.mark.django_db
def test_a_service_accounts_identifier_is_refused_as_a_person_and_as_a_supervisor(portal_admin):
    from api.services import api_token_create

    token, _ = api_token_create(actor=portal_admin, name="HR feed", scope="hr", service_account_id="SVCHR")
    rows = HEADER + (
        "svchr,Api,Account,api@police.example,Police Constable,North,Response 1,S2001,\n"
        "S2001,Gareth,Evans,gareth.evans@police.example,Sergeant,North,Response 1,,\n"
        "P1001,Amina,Khan,amina.khan@police.example,Police Constable,North,Response 1,SVCHR,\n"
    )

    report = people_import(csv_text=rows)

    assert not report.ok
    assert any(e.startswith("line 2: payroll_number:") and "service account" in e for e in report.errors), report.errors
    assert any(e.startswith("line 4: supervisor_payroll_number:") and "service account" in e for e in report.errors), (
        report.errors
    )
    account = User.objects.get(pk=token.service_account_id)
    assert not account.groups.exists() and account.supervisor_id is None and not account.is_active
    assert account.email.endswith("@service-account.invalid")
    assert not User.objects.filter(payroll_number__in=["S2001", "P1001"]).exists()
