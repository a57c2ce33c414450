"""Large MDM files through a job (devices.imports.services.jobs): from IMPORT_ASYNC_ROWS rows on, the admin's
import sends the person to a job page that a worker's check and then its import move along. The
task is run here as the worker would run it (its function, called); tests/devices/
test_mdm_import_worker.py runs a real worker."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from devices import tasks
from devices.demo import write_mdm_csv
from devices.imports import resources
from devices.imports.resources import DeviceResource
from devices.imports.services import jobs as import_jobs
from devices.imports.services.files import devices_import
from devices.models import Device, DeviceEvent, DeviceImportJob, DeviceModel
from portal.models import Role
from tests.devices.imports.test_mdm_import import _csv, _row
from tests.factories import UserFactory

IMPORT = "/admin/devices/device/import/"


@pytest.fixture
def threshold(settings):
    settings.IMPORT_ASYNC_ROWS = 5
    return 5


def _upload(client, data: bytes, bar, name: str = "intune.csv"):
    upload = SimpleUploadedFile(name, data, "text/csv")
    return client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0", "tech_bar": bar.pk})


def _job_url(job, view="devices_device_import_job") -> str:
    return reverse(f"admin:{view}", args=[job.pk])


def _start_job(client, data, bar, django_capture_on_commit_callbacks) -> DeviceImportJob:
    """Upload a large file; the job's task is queued once its row is committed."""
    with django_capture_on_commit_callbacks() as queued:
        response = _upload(client, data, bar)
    job = DeviceImportJob.objects.latest("pk")
    assert response.status_code == 302 and response.url == _job_url(job)
    assert len(queued) == 1  # run_device_import_job.delay(job.pk), after the commit
    return job


def _confirm(client, job, django_capture_on_commit_callbacks) -> DeviceImportJob:
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(_job_url(job, "devices_device_import_job_confirm"))
    imported = DeviceImportJob.objects.get(checked_by=job)
    assert response.status_code == 302 and response.url == _job_url(imported) and len(queued) == 1
    return imported


def test_a_file_under_the_threshold_is_previewed_at_once_without_a_job(
    client, frozen, threshold, tech_bar_staff, bar, phone_model
):
    client.force_login(tech_bar_staff)
    response = _upload(client, _csv([_row(n) for n in range(1, threshold)]), bar)
    assert response.status_code == 200 and "MD000004" in response.text
    assert response.context["confirm_form"] is not None
    assert not DeviceImportJob.objects.exists() and not Device.objects.exists()


def test_a_large_file_is_checked_by_a_job_then_imported_when_confirmed(
    client, frozen, threshold, tech_bar_staff, bar, phone_model, django_capture_on_commit_callbacks
):
    client.force_login(tech_bar_staff)
    data = _csv([_row(n) for n in range(1, 8)])
    check = _start_job(client, data, bar, django_capture_on_commit_callbacks)
    assert (check.status, check.dry_run, check.rows_total, check.actor, check.tech_bar) == (
        "queued",
        True,
        7,
        tech_bar_staff,
        bar,
    )
    page = client.get(_job_url(check))
    assert page.status_code == 200
    assert '<progress id="import-progress" max="7" value="0">0 of 7 rows</progress>' in page.text
    assert '<meta http-equiv="refresh" content="3">' in page.text  # inside <noscript>
    assert 'src="/static/devices/import-job.js"' in page.text

    tasks.run_device_import_job(check.pk)
    check.refresh_from_db()
    assert (check.status, check.created, check.rows_done, check.errors) == ("succeeded", 7, 7, [])
    assert not Device.objects.exists()  # a check imports nothing
    page = client.get(_job_url(check))
    assert "The file is good: 7 new, 0 updated, 0 unchanged. Nothing has been imported yet." in page.text
    assert "http-equiv" not in page.text and "Import these devices" in page.text

    imported = _confirm(client, check, django_capture_on_commit_callbacks)
    assert imported.dry_run is False and bytes(imported.data) == data
    tasks.run_device_import_job(imported.pk)
    imported.refresh_from_db()
    assert (imported.status, imported.created, bytes(imported.data)) == ("succeeded", 7, b"")
    assert Device.objects.filter(tech_bar=bar, status="in_stock").count() == 7
    assert DeviceEvent.objects.filter(kind="received", actor=tech_bar_staff).count() == 7
    assert "Imported: 7 new, 0 updated, 0 unchanged." in client.get(_job_url(imported)).text
    # The check now points to its import, and confirming it again starts nothing new.
    again = client.post(_job_url(check, "devices_device_import_job_confirm"))
    assert again.url == _job_url(imported) and DeviceImportJob.objects.count() == 2
    assert "Follow the import of this file" in client.get(_job_url(check)).text


def test_the_same_large_file_twice_changes_nothing(
    client, frozen, threshold, tech_bar_staff, bar, phone_model, django_capture_on_commit_callbacks
):
    client.force_login(tech_bar_staff)
    data = _csv([_row(n) for n in range(1, 8)])
    for _ in range(2):
        check = _start_job(client, data, bar, django_capture_on_commit_callbacks)
        tasks.run_device_import_job(check.pk)
        imported = _confirm(client, check, django_capture_on_commit_callbacks)
        tasks.run_device_import_job(imported.pk)
        if _ == 0:
            before = list(Device.objects.order_by("pk").values())
            events = DeviceEvent.objects.count()
    imported.refresh_from_db()
    assert (imported.created, imported.updated, imported.unchanged) == (0, 0, 7)
    assert list(Device.objects.order_by("pk").values()) == before
    assert DeviceEvent.objects.count() == events


def test_bad_rows_are_listed_with_their_lines_and_nothing_changes(
    client, frozen, threshold, tech_bar_staff, bar, phone_model, make_device, django_capture_on_commit_callbacks
):
    known = make_device()
    client.force_login(tech_bar_staff)
    rows = [_row(n) for n in range(1, 8)]
    rows[2] = _row(3, imei="356938035643801")
    rows[5] = _row(6, model="Nokia 3310")
    check = _start_job(client, _csv(rows), bar, django_capture_on_commit_callbacks)
    tasks.run_device_import_job(check.pk)
    check.refresh_from_db()
    assert check.status == "failed" and bytes(check.data) == b""
    assert check.errors == [
        "line 4: IMEI: “356938035643801” is not a valid IMEI: 15 digits, the last a Luhn check digit.",
        "line 7: Model: Unknown model “Nokia 3310”: add it under Device models first, or correct the file.",
    ]
    page = client.get(_job_url(check)).text
    assert "2 errors: nothing was imported." in page
    assert "line 4: IMEI: “356938035643801” is not a valid IMEI" in page and "line 7: Model: Unknown model" in page
    assert list(Device.objects.all()) == [known]
    # A check that failed cannot be confirmed: the page says so, with a 4xx.
    refused = client.post(_job_url(check, "devices_device_import_job_confirm"))
    assert refused.status_code == 409 and "Only a check of a file that passed can be confirmed" in refused.text
    assert DeviceImportJob.objects.count() == 1 and list(Device.objects.all()) == [known]


def test_an_unreadable_large_file_fails_its_job_with_the_reason(frozen, tech_bar_staff, bar, phone_model, threshold):
    data = _csv([_row(n) for n in range(1, 8)], header="Device name,Serial,IMEI,Model,A,B,C,D")
    job = import_jobs.device_import_job_start(actor=tech_bar_staff, file_name="x.csv", data=data, tech_bar=bar)
    import_jobs.device_import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.errors[0].startswith("Wrong header: it has no column Asset tag")


def test_the_progress_json_rises_while_the_import_runs(
    client, frozen, threshold, tech_bar_staff, bar, phone_model, monkeypatch
):
    """The job page's endpoint, asked between rows of the running import, reports the rows done."""
    monkeypatch.setattr(resources, "PROGRESS_EVERY", 2)
    client.force_login(tech_bar_staff)
    job = import_jobs.device_import_job_start(
        actor=tech_bar_staff, file_name="big.csv", data=_csv([_row(n) for n in range(1, 8)]), tech_bar=bar
    )
    url = _job_url(job, "devices_device_import_job_progress")
    assert client.get(url).json() == {
        "status": "queued",
        "status_display": "Queued",
        "finished": False,
        "rows_done": 0,
        "rows_total": 7,
        "text": "0 of 7 rows",
    }
    seen = []
    after_row = DeviceResource.after_import_row

    def after_row_then_poll(self, row, row_result, **kwargs):
        after_row(self, row, row_result, **kwargs)
        progress = client.get(url).json()
        seen.append((progress["status"], progress["text"]))

    monkeypatch.setattr(DeviceResource, "after_import_row", after_row_then_poll)
    import_jobs.device_import_job_run(job_id=job.pk)
    assert seen == [
        ("running", "0 of 7 rows"),
        ("running", "2 of 7 rows"),
        ("running", "2 of 7 rows"),
        ("running", "4 of 7 rows"),
        ("running", "4 of 7 rows"),
        ("running", "6 of 7 rows"),
        ("running", "6 of 7 rows"),
    ]
    done = client.get(url).json()
    assert (done["status"], done["finished"], done["text"]) == ("succeeded", True, "7 of 7 rows")


def test_only_the_person_who_started_a_job_and_portal_admins_see_it(
    client, frozen, threshold, tech_bar_staff, portal_admin, data_office, bar, phone_model
):
    job = import_jobs.device_import_job_start(
        actor=tech_bar_staff, file_name="big.csv", data=_csv([_row(n) for n in range(1, 8)]), tech_bar=bar
    )
    colleague = UserFactory(roles=[Role.TECH_BAR], is_staff=True)
    views = ["devices_device_import_job", "devices_device_import_job_progress"]
    for user, status in [(tech_bar_staff, 200), (portal_admin, 200), (colleague, 404), (data_office, 404)]:
        client.force_login(user)
        for view in views:
            assert client.get(_job_url(job, view)).status_code == status, (user, view)
    client.force_login(colleague)
    assert client.post(_job_url(job, "devices_device_import_job_confirm")).status_code == 404
    client.force_login(tech_bar_staff)
    assert client.get(_job_url(job, "devices_device_import_job_confirm")).status_code == 405
    assert client.get(reverse("admin:devices_device_import_job", args=[job.pk + 1])).status_code == 404


def test_a_job_delivered_again_after_it_finished_does_nothing(frozen, tech_bar_staff, bar, phone_model, threshold):
    job = import_jobs.device_import_job_start(
        actor=tech_bar_staff,
        file_name="big.csv",
        data=_csv([_row(n) for n in range(1, 8)]),
        tech_bar=bar,
        dry_run=False,
    )
    tasks.run_device_import_job(job.pk)
    tasks.run_device_import_job(job.pk)  # acks_late: a worker lost after the commit, the task again
    job.refresh_from_db()
    assert (job.status, job.created, job.unchanged) == ("succeeded", 7, 0)
    assert DeviceEvent.objects.filter(kind="received").count() == 7


def test_the_command_runs_in_process_and_writes_its_progress_to_stderr(
    tmp_path, frozen, tech_bar_staff, bar, phone_model, threshold, monkeypatch
):
    monkeypatch.setattr(resources, "PROGRESS_EVERY", 2)
    path = tmp_path / "intune.csv"
    path.write_bytes(_csv([_row(n) for n in range(1, 21)]))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_devices", str(path), "--tech-bar", "hq", "--as", tech_bar_staff.payroll_number, stdout=out, stderr=err
    )
    assert "Imported: 20 new" in out.getvalue() and not DeviceImportJob.objects.exists()
    assert err.getvalue().splitlines() == [f"{n} of 20 rows" for n in range(2, 21, 2)]


def test_the_demo_csv_imports_1000_devices(tmp_path, frozen, tech_bar_staff, bar):
    for make, name in [("Samsung", "Galaxy XCover 7"), ("Samsung", "Galaxy S24"), ("Apple", "iPhone 15")]:
        DeviceModel.objects.create(make=make, model_name=name, kind=DeviceModel.Kind.SMARTPHONE)
    path = tmp_path / "mdm.csv"
    call_command("demo_mdm_csv", "--rows", "1000", "--out", str(path), stderr=io.StringIO())
    data = path.read_bytes()
    assert data.count(b"\r\n") == 1001 and import_jobs.data_rows(data) == 1000
    assert import_jobs.runs_in_worker(data)  # at the default threshold: the admin shows its progress bar
    report = devices_import(data=data, actor=tech_bar_staff, tech_bar=bar)
    assert report.errors == [] and report.created == 1000
    assert Device.objects.filter(asset_tag__startswith="MDM").count() == 1000
    buffer = io.StringIO()
    write_mdm_csv(buffer, rows=2, start=999)
    assert buffer.getvalue().splitlines()[1].startswith("MDM000999,")
