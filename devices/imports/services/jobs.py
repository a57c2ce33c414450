"""Large MDM imports through a Celery worker: a file of `settings.IMPORT_ASYNC_ROWS` data rows or more is
checked (a dry run) and, once confirmed, imported by `devices.tasks.run_device_import_job`, while
the admin's job page shows its progress.

Progress goes to the cache (`settings.IMPORT_PROGRESS_CACHE`), not to the job's row. The import is
one transaction, all rows or none, so a row updated inside it is invisible to the polling page
until it commits. A second database connection would show it on PostgreSQL, but under the embedded
SQLite default the import holds the one write lock, so that connection would wait out the whole
import. The progress cache is Redis when REDIS_URL is set (production, CI) and otherwise files
under var/ that web and worker share; it is never the database cache. The job's row holds what
lasts: status, the totals and each error, written in short transactions before and after."""

import csv
import io
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from devices.core.models import TechBar
from devices.core.services import DeviceError
from devices.imports.models import DeviceImportJob
from devices.imports.services import files as services
from portal.models import User

log = logging.getLogger(__name__)
_PROGRESS_TIMEOUT = 24 * 3600


def data_rows(data: bytes) -> int:
    """How many devices a CSV holds (records after the header). A file that cannot be read counts as
    0, so it takes the quick path, which reports why."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 0
    try:
        return max(0, sum(1 for record in csv.reader(io.StringIO(text)) if record) - 1)
    except csv.Error:
        return 0


def runs_in_worker(data: bytes) -> bool:
    return data_rows(data) >= settings.IMPORT_ASYNC_ROWS


def _progress_key(job_id: int) -> str:
    return f"devices:import-job:{job_id}:rows-done"


def _progress_cache():
    return caches[settings.IMPORT_PROGRESS_CACHE]


def device_import_job_start(
    *,
    actor: User,
    file_name: str,
    data: bytes,
    tech_bar: TechBar | None,
    dry_run: bool = True,
    checked_by: DeviceImportJob | None = None,
) -> DeviceImportJob:
    """Queue a check (dry run) or an import of an uploaded MDM file; the worker starts it after commit."""
    with transaction.atomic():
        job = DeviceImportJob.objects.create(
            actor=actor,
            file_name=file_name[:255],
            data=data,
            tech_bar=tech_bar,
            dry_run=dry_run,
            checked_by=checked_by,
            rows_total=data_rows(data),
        )
        transaction.on_commit(lambda: run_device_import_job.delay(job.pk))
    # A job number can come round again (a test database, a restored backup): no stale progress.
    _progress_cache().delete(_progress_key(job.pk))
    return job


def device_import_job_confirm(*, job: DeviceImportJob, actor: User) -> DeviceImportJob:
    """Import the devices of a check that passed, once: confirming it again gives the same import."""
    with transaction.atomic():
        check = DeviceImportJob.objects.select_for_update().get(pk=job.pk)
        already = check.imports.first()
        if already is not None:
            return already
        if not check.dry_run or check.status != DeviceImportJob.Status.SUCCEEDED:
            raise DeviceError("Only a check of a file that passed can be confirmed: upload the file again.")
        imported = device_import_job_start(
            actor=actor,
            file_name=check.file_name,
            data=bytes(check.data),
            tech_bar=check.tech_bar,
            dry_run=False,
            checked_by=check,
        )
        check.data = b""
        check.save(update_fields=["data"])
    return imported


def device_import_job_run(*, job_id: int) -> DeviceImportJob | None:
    """Run a queued job (the worker's task). A job delivered again after its worker died starts
    over: the import it was running was rolled back with its transaction."""
    with transaction.atomic():
        job = DeviceImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        job.status = DeviceImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    progress_cache, key = _progress_cache(), _progress_key(job.pk)
    progress_cache.set(key, 0, _PROGRESS_TIMEOUT)

    def progress(done: int, total: int) -> None:
        progress_cache.set(key, done, _PROGRESS_TIMEOUT)

    try:
        report = services.devices_import(
            data=bytes(job.data), actor=job.actor, tech_bar=job.tech_bar, dry_run=job.dry_run, progress=progress
        )
        errors = report.errors
    except Exception:  # the import's transaction is rolled back; the page says so rather than spin
        log.exception("MDM import job %s stopped", job.pk)
        report, errors = None, ["The import stopped with an unexpected error: nothing was changed. Try again."]
    job.status = DeviceImportJob.Status.FAILED if errors else DeviceImportJob.Status.SUCCEEDED
    job.errors = errors
    job.finished_at = timezone.now()
    if report is not None and not errors:
        job.created, job.updated, job.unchanged = report.created, report.updated, report.unchanged
        job.rows_done = job.rows_total
    else:
        job.rows_done = progress_cache.get(key, 0)
    fields = ["status", "errors", "finished_at", "created", "updated", "unchanged", "rows_done"]
    if errors or not job.dry_run:  # a check that passed keeps its file for the confirmation
        job.data = b""
        fields.append("data")
    job.save(update_fields=fields)
    progress_cache.delete(key)
    return job


def device_import_job_progress(job: DeviceImportJob) -> dict:
    """What the job page shows and its script polls: status, rows done of the total, and the text."""
    done = job.rows_done
    if job.status == DeviceImportJob.Status.RUNNING:
        done = _progress_cache().get(_progress_key(job.pk), 0)
    done = min(done, job.rows_total)
    return {
        "status": job.status,
        "status_display": job.get_status_display(),
        "finished": job.is_finished,
        "rows_done": done,
        "rows_total": job.rows_total,
        "text": f"{done:,} of {job.rows_total:,} rows",
    }


# The task keeps its name in devices.tasks (queued messages use it).
@shared_task(name="devices.tasks.run_device_import_job", ignore_result=True)
def run_device_import_job(job_id: int) -> None:
    """Queued after the commit that created the job: a large MDM check or import."""
    device_import_job_run(job_id=job_id)
