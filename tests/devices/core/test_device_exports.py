"""The device list's large exports (portal.exports): the CSV streams the filtered rows; an XLSX past
EXPORT_XLSX_SYNC_MAX_ROWS is a job with a page and a download that only its requester can open."""

import csv
import io
import os

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devices.models import Device
from portal import exports
from portal.roles import Role
from tests.factories import UserFactory

URL = reverse("devices:device_list")


@pytest.fixture
def estate(frozen, make_device, laptop_model, officer, issued):
    officer.command_unit = "North"
    officer.save()
    issued(make_device(), officer)
    make_device(model=laptop_model)
    make_device(status=Device.Status.IN_REPAIR)
    make_device(status=Device.Status.IN_REPAIR)


@pytest.fixture
def queued(settings, tmp_path, monkeypatch):
    """Large XLSX exports go to a job; the jobs sent to the worker are collected here instead."""
    settings.EXPORT_XLSX_SYNC_MAX_ROWS = 1
    settings.EXPORTS_DIR = tmp_path / "exports"
    sent = []
    monkeypatch.setattr("portal.tasks.export_xlsx_run.delay", sent.append)
    return sent


def test_the_csv_streams_the_filtered_rows_with_the_pages_columns(client, data_office, estate):
    client.force_login(data_office)
    response = client.get(URL, {"status": "in_repair", "_export": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="devices-2026-')
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [row["Status"] for row in rows] == ["In repair", "In repair"]
    assert {"Asset tag", "Serial number", "Holder's payroll number"} <= set(rows[0])


def test_a_bad_filter_on_an_export_shows_the_page_with_the_reason(client, data_office, estate):
    client.force_login(data_office)
    response = client.get(URL, {"status": "melted", "_export": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "melted" in response.text


def test_a_large_xlsx_is_a_job_its_requester_watches_then_downloads(client, data_office, estate, queued):
    client.force_login(data_office)
    response = client.get(URL, {"status": "in_repair", "_export": "xlsx"})
    assert response.status_code == 302
    (job_id,) = queued
    page = reverse("portal:export_job", args=[job_id])
    assert response["Location"] == page
    waiting = client.get(page)
    assert waiting.status_code == 200 and "Waiting to start" in waiting.text
    assert 'http-equiv="refresh"' in waiting.text
    download = reverse("portal:export_download", args=[job_id])
    assert client.get(download).status_code == 404  # not ready

    job = exports.export_job_run(job_id)  # what the worker does

    assert (job.status, job.rows_done, job.rows_total) == ("done", 2, 2)
    ready = client.get(page)
    assert download in ready.text and 'http-equiv="refresh"' not in ready.text
    file = client.get(download)
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith('attachment; filename="devices-2026-')
    assert file["X-Content-Type-Options"] == "nosniff"
    sheet = openpyxl.load_workbook(io.BytesIO(file.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    status = rows[0].index("Status")
    assert [row[status] for row in rows[1:]] == ["In repair", "In repair"]


def test_nobody_else_opens_an_export_and_made_up_ids_are_not_found(client, data_office, estate, queued):
    client.force_login(data_office)
    client.get(URL, {"_export": "xlsx"})
    (job_id,) = queued
    exports.export_job_run(job_id)
    client.force_login(UserFactory(roles=[Role.DATA_OFFICE]))  # the same role, not the same person
    for name in ("portal:export_job", "portal:export_download"):
        assert client.get(reverse(name, args=[job_id])).status_code == 404
    client.force_login(data_office)
    for made_up in ("../../etc/passwd", "0" * 32, job_id[:-1]):
        assert client.get(f"/exports/{made_up}/download/").status_code == 404
    client.logout()
    assert client.get(reverse("portal:export_download", args=[job_id])).status_code == 302  # to sign in


def test_a_job_whose_requester_lost_the_role_fails_and_says_so(client, data_office, estate, queued):
    client.force_login(data_office)
    client.get(URL, {"_export": "xlsx"})
    (job_id,) = queued
    data_office.groups.clear()

    job = exports.export_job_run(job_id)

    assert job.status == "failed" and not job.file.exists()
    assert "no longer export" in client.get(reverse("portal:export_job", args=[job_id])).text


def test_exports_older_than_a_day_are_cleared(client, data_office, estate, queued):
    client.force_login(data_office)
    client.get(URL, {"_export": "xlsx"})
    client.get(URL, {"_export": "xlsx"})
    old, new = queued
    exports.export_job_run(old)
    exports.export_job_run(new)
    day_and_a_bit_ago = exports.time.time() - 25 * 3600
    for suffix in (".json", ".xlsx"):
        os.utime(exports.exports_dir() / f"{old}{suffix}", (day_and_a_bit_ago, day_and_a_bit_ago))

    assert exports.export_jobs_clear_expired() == 1

    assert sorted(p.name for p in exports.exports_dir().iterdir()) == [f"{new}.json", f"{new}.xlsx"]
    assert client.get(reverse("portal:export_job", args=[old])).status_code == 404


def test_a_large_export_costs_the_same_queries_at_any_size(
    client, settings, data_office, make_device, queued, django_assert_max_num_queries
):
    settings.EXPORT_XLSX_SYNC_MAX_ROWS = 0
    client.force_login(data_office)
    make_device()
    client.get(URL, {"_export": "xlsx"})
    with CaptureQueriesContext(connection) as few:
        first = exports.export_job_run(queued[-1])
    assert first.status == "done"
    one_device = len(few.captured_queries)
    for _ in range(60):
        make_device()
    client.get(URL, {"_export": "xlsx"})
    with django_assert_max_num_queries(one_device):
        assert exports.export_job_run(queued[-1]).rows_done == 61


def test_a_job_cleared_before_the_worker_ran_is_skipped(client, data_office, estate, queued):
    client.force_login(data_office)
    client.get(URL, {"_export": "xlsx"})
    (job_id,) = queued
    long_ago = exports.time.time() - 2 * 24 * 3600
    os.utime(exports.exports_dir() / f"{job_id}.json", (long_ago, long_ago))
    assert exports.export_jobs_clear_expired() == 1

    assert exports.export_job_run(job_id) is None
    assert list(exports.exports_dir().iterdir()) == []
