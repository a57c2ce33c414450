"""The largest exports at force scale: the compliance CSV of every person, the device
list CSV of every device (both streamed), and the device list XLSX as a job end to end (request,
the worker's task body run in this process, download). `measure_exports()` returns one row each."""

import time
import tracemalloc
from dataclasses import dataclass
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from bench.measure import client_for
from policy.models import Policy
from portal import exports
from portal.models import User


@dataclass
class ExportResult:
    name: str
    rows: int  # data rows in the file
    ttfb_ms: float  # to the first CSV bytes; for the XLSX job, to the page that follows its progress
    total_ms: float  # to the last byte (the XLSX job: request, worker, download)
    bytes: int
    queries: int
    peak_kib: float | None = None  # Python allocations at their peak (tracemalloc, a second run)


def _csv(client, url) -> tuple[float, float, int, int]:
    start = time.perf_counter()
    response = client.get(url, {"_export": "csv"})
    assert response.status_code == 200 and response.streaming, response.status_code
    chunks = iter(response.streaming_content)
    first = next(chunks)
    ttfb = time.perf_counter() - start
    size, lines = len(first), first.count(b"\n")
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return ttfb * 1000, (time.perf_counter() - start) * 1000, size, lines - 1


def _xlsx_job(client, url) -> tuple[float, float, int, int]:
    sent = []
    start = time.perf_counter()
    # Always the job, whatever the scale (a small bench would otherwise get its file at once).
    with mock.patch("portal.tasks.export_xlsx_run.delay", sent.append), override_settings(EXPORT_XLSX_SYNC_MAX_ROWS=0):
        response = client.get(url, {"_export": "xlsx"})
    assert response.status_code == 302, response.status_code
    ttfb = time.perf_counter() - start
    job = exports.export_job_run(sent[0])  # what the worker runs
    assert job.status == "done", job.error
    download = client.get(reverse("portal:export_download", args=[job.id]))
    size = sum(len(chunk) for chunk in download.streaming_content)
    total = time.perf_counter() - start
    job.file.unlink(missing_ok=True)
    return ttfb * 1000, total * 1000, size, job.rows_done


def measure_exports(*, memory: bool = True, log=print) -> list[ExportResult]:
    """One row per export, as the Data Office reviewer DO001 of the bench data takes it."""
    client = client_for(User.objects.get(payroll_number="DO001"))
    policy = Policy.objects.order_by("pk").first()
    cases = [
        ("compliance CSV (all people)", _csv, reverse("policy:compliance", kwargs={"slug": policy.slug})),
        ("device list CSV (all devices)", _csv, reverse("devices:device_list")),
        ("device list XLSX job (all devices)", _xlsx_job, reverse("devices:device_list")),
    ]
    results = []
    for name, measure, url in cases:
        with CaptureQueriesContext(connection) as queries:
            ttfb, total, size, rows = measure(client, url)
        result = ExportResult(name, rows, round(ttfb, 1), round(total, 1), size, len(queries.captured_queries))
        if memory:
            tracemalloc.start()
            measure(client, url)
            result.peak_kib = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
            tracemalloc.stop()
        log(
            f"{name}: {rows} rows, first byte {ttfb:.0f} ms, total {total:.0f} ms, {size} bytes,"
            f" {result.queries} queries, peak {result.peak_kib} KiB"
        )
        results.append(result)
    return results
