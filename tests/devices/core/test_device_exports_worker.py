"""A large device-list XLSX through a real Celery worker on PostgreSQL, with Redis and with the
embedded file-system broker: the job page's link downloads the filtered workbook. Skipped (with the
reason) unless DATABASE_URL is PostgreSQL (and, for Redis, CELERY_BROKER_URL is Redis)."""

import io
import time

import openpyxl
import pytest
import redis
from django.urls import reverse

from devices.models import Device
from portal import exports
from portal.celery import app
from portal.tasks import export_xlsx_run
from tests.incidents.celery_processes import CeleryProcesses

ROWS = 300

pytestmark = [pytest.mark.postgres]


def _filesystem_broker(tmp_path) -> dict:
    folders = {name: tmp_path / "var" / "broker" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }


@pytest.fixture(params=[pytest.param("redis", marks=pytest.mark.redis), "filesystem"])
def worker_and_broker(request, transactional_db, tmp_path, settings, monkeypatch):
    """A worker for this test on the broker named by the parameter; stopped (by its id) at the end."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    settings.EXPORT_XLSX_SYNC_MAX_ROWS = 10
    monkeypatch.setenv("EXPORTS_DIR", str(settings.EXPORTS_DIR))
    if request.param == "redis":
        if not settings.CELERY_BROKER_URL.startswith("redis://"):
            pytest.skip("CELERY_BROKER_URL is not redis://")
        broker_url = settings.CELERY_BROKER_URL
        redis.Redis.from_url(broker_url).flushdb()
    else:
        broker_url = "filesystem://"
        monkeypatch.setenv("KITBAG_VAR_DIR", str(tmp_path / "var"))
        connection = app.connection_for_write("filesystem://", transport_options=_filesystem_broker(tmp_path))
        monkeypatch.setattr(
            export_xlsx_run, "delay", lambda job_id: export_xlsx_run.apply_async((job_id,), connection=connection)
        )
    processes = CeleryProcesses(tmp_path, broker_url, sweep_seconds=60)
    processes.worker()
    yield processes
    processes.stop_all()


def test_a_worker_writes_a_large_xlsx_its_requester_downloads(
    worker_and_broker, client, data_office, make_device, laptop_model
):
    for n in range(ROWS):
        make_device(model=laptop_model if n % 3 == 0 else None, serial_number=f"=HYPERLINK(SN{n:04d})")
    client.force_login(data_office)

    response = client.get(reverse("devices:device_list"), {"kind": "laptop", "_export": "xlsx"})

    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job = exports.export_job_for(user=data_office, job_id=job_id)
        if job.finished:
            break
        time.sleep(0.2)
    assert job.status == "done", worker_and_broker.logs()
    page = client.get(response["Location"])
    download = reverse("portal:export_download", args=[job_id])
    assert download in page.text
    file = client.get(download)
    assert file["Content-Disposition"].startswith("attachment;")
    rows = list(openpyxl.load_workbook(io.BytesIO(file.getvalue())).active.iter_rows(values_only=True))
    laptops = Device.objects.filter(model=laptop_model).count()
    assert len(rows) == 1 + laptops
    serial = rows[0].index("Serial number")
    assert all(row[serial].startswith("'=HYPERLINK(") for row in rows[1:])
