"""A large MDM import through a real Celery worker on PostgreSQL and Redis: the job page's progress
rises while the import's one transaction is still open, and the devices appear only at the end.
Skipped (with the reason) unless DATABASE_URL is PostgreSQL and CELERY_BROKER_URL Redis."""

import io
import time

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from devices.demo import write_mdm_csv
from devices.imports.services import jobs as import_jobs
from devices.models import Device, DeviceImportJob, DeviceModel, TechBar
from tests.incidents.celery_processes import CeleryProcesses, wait_for

ROWS = 4000

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    """A worker for this test, stopped (by its id) when it ends, before the database is flushed."""
    broker_url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(broker_url).flushdb()  # this run's own Redis database: no stale messages
    processes = CeleryProcesses(tmp_path, broker_url, sweep_seconds=60)
    yield processes
    processes.stop_all()


def test_a_worker_imports_a_large_file_and_its_progress_rises_before_it_finishes(
    celery_processes, client, tech_bar_staff
):
    bar = TechBar.objects.create(code="hq", name="Headquarters Tech Bar")
    for make, name in [("Samsung", "Galaxy XCover 7"), ("Samsung", "Galaxy S24"), ("Apple", "iPhone 15")]:
        DeviceModel.objects.create(make=make, model_name=name, kind=DeviceModel.Kind.SMARTPHONE)
    out = io.StringIO()
    write_mdm_csv(out, rows=ROWS)
    worker = celery_processes.worker()

    job = import_jobs.device_import_job_start(
        actor=tech_bar_staff, file_name="intune.csv", data=out.getvalue().encode(), tech_bar=bar, dry_run=False
    )
    client.force_login(tech_bar_staff)
    url = reverse("admin:devices_device_import_job_progress", args=[job.pk])
    seen = []  # (status, rows done, devices committed) as the page's script would see them
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        progress = client.get(url).json()
        seen.append((progress["status"], progress["rows_done"], Device.objects.count()))
        if progress["finished"]:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the import did not finish in 120 s\n" + celery_processes.logs())

    job.refresh_from_db()
    assert job.status == DeviceImportJob.Status.SUCCEEDED, job.errors or celery_processes.logs()
    assert (job.created, job.rows_done, job.rows_total) == (ROWS, ROWS, ROWS)
    assert Device.objects.filter(tech_bar=bar).count() == ROWS
    running = [(done, devices) for status, done, devices in seen if status == "running"]
    midway = sorted({done for done, _ in running if 0 < done < ROWS})
    assert len(midway) >= 2, f"progress was never seen rising: {seen}\n{celery_processes.logs()}"
    done_seen = [done for done, _ in running]
    assert done_seen == sorted(done_seen), "progress went backwards"
    # All or nothing: while the progress rose, not one device had been committed.
    assert {devices for done, devices in running if 0 < done < ROWS} == {0}
    wait_for(lambda: "run_device_import_job" in worker.output(), timeout=10, message="the worker's log")
