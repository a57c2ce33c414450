"""Large list exports: CSV streamed row by row from a chunked query, XLSX past a size written by a
Celery worker to a private file its requester downloads (portal/export_views.py), kept a day."""

import csv
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

logger = logging.getLogger(__name__)

# Rows fetched per query while an export iterates (prefetches run once per chunk).
CHUNK_ROWS = 2000
_JOB_ID_LENGTH = 32


def export_rows(table, *, exclude_columns=()):
    """The header row then every row of `table` (BaseTable: cells neutralised), fetching the
    filtered, ordered queryset in chunks so memory stays flat whatever the size."""
    data = table.data.data
    if isinstance(data, QuerySet):
        table.data.data = data.iterator(chunk_size=CHUNK_ROWS)
    yield from table.as_values(exclude_columns=exclude_columns)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer over a stream."""

    def write(self, value):
        return value


def csv_streaming_response(table, filename: str, *, exclude_columns=()) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in export_rows(table, exclude_columns=exclude_columns)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(table, target: Path, *, exclude_columns=(), progress=None) -> int:
    """Every row of `table` into a new workbook at `target` (write-only: one row in memory at a
    time). `progress(rows_done)` is called every CHUNK_ROWS rows. Returns the data rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    done = -1  # the header row is not a data row
    for row in export_rows(table, exclude_columns=exclude_columns):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
        done += 1
        if progress is not None and done and done % CHUNK_ROWS == 0:
            progress(done)
    workbook.save(target)
    return max(done, 0)


# --- XLSX jobs: <EXPORTS_DIR>/<id>.json (who, what, how far) beside <id>.xlsx --------------------


@dataclass
class ExportJob:
    id: str
    owner: int
    path: str
    query: str
    filename: str
    status: str  # queued, running, done, failed
    rows_total: int
    rows_done: int = 0
    error: str = ""
    created: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(100 * self.rows_done / max(self.rows_total, 1))

    @property
    def file(self) -> Path:
        return exports_dir() / f"{self.id}.xlsx"


def exports_dir() -> Path:
    directory = Path(settings.EXPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _meta(job_id: str) -> Path:
    return exports_dir() / f"{job_id}.json"


def _save(job: ExportJob) -> None:
    temporary = _meta(job.id).with_suffix(".tmp")
    temporary.write_text(json.dumps(job.__dict__))
    os.replace(temporary, _meta(job.id))  # a reader never sees half a file


def export_job_for(*, user, job_id: str) -> ExportJob | None:
    """The user's own job, or None (someone else's, expired or never was: the same answer)."""
    if len(job_id) != _JOB_ID_LENGTH or not all(c in "0123456789abcdef" for c in job_id):
        return None
    try:
        job = ExportJob(**json.loads(_meta(job_id).read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return job if job.owner == user.pk else None


def export_job_start(*, user, path: str, query: str, filename: str, rows_total: int) -> ExportJob:
    from portal.tasks import export_xlsx_run

    job = ExportJob(
        id=secrets.token_hex(_JOB_ID_LENGTH // 2),
        owner=user.pk,
        path=path,
        query=query,
        filename=filename,
        status="queued",
        rows_total=rows_total,
        created=time.time(),
    )
    _save(job)
    logger.info("xlsx export %s queued by %s: %s?%s (%d rows)", job.id, user, path, query, rows_total)
    export_xlsx_run.delay(job.id)
    return job


def export_job_run(job_id: str) -> ExportJob | None:
    """The worker's half: replay the list page's request as its owner (the page's own permission
    check, filters and columns) with the workbook's path on the request, then mark the job done."""
    from portal.models import User

    try:
        job = ExportJob(**json.loads(_meta(job_id).read_text()))
    except FileNotFoundError:  # cleared before a worker got to it: nobody is waiting any more
        logger.warning("xlsx export %s is gone: nothing to write", job_id)
        return None
    owner = User.objects.filter(pk=job.owner, is_active=True).first()
    job.status, job.rows_done = "running", 0
    _save(job)
    partial = job.file.with_suffix(".part")
    request = RequestFactory().get(f"{job.path}?{job.query}")
    request.user = owner
    request.export_xlsx_to = partial

    def progress(done):
        job.rows_done = done
        _save(job)

    request.export_progress = progress
    try:
        if owner is None:
            raise PermissionError("the person who asked is no longer active")
        match = resolve(job.path)
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 204:
            raise PermissionError(f"the list page answered {response.status_code}")
        os.replace(partial, job.file)
    except (PermissionError, PermissionDenied, Http404) as error:
        return _failed(job, partial, "You may no longer export this list.", error)
    except Exception as error:  # the job page says it failed; the log says why
        logger.exception("xlsx export %s failed", job.id)
        return _failed(job, partial, "The export could not be made. Try again, or filter to fewer rows.", error)
    job.status, job.rows_done = "done", job.rows_total
    _save(job)
    logger.info("xlsx export %s done: %d bytes", job.id, job.file.stat().st_size)
    return job


def _failed(job: ExportJob, partial: Path, message: str, error: Exception) -> ExportJob:
    logger.warning("xlsx export %s failed: %s", job.id, error)
    partial.unlink(missing_ok=True)
    job.status, job.error = "failed", message
    _save(job)
    return job


def export_jobs_clear_expired(*, max_age_seconds: float | None = None) -> int:
    """Remove every export file older than EXPORTS_KEEP_SECONDS (beat runs this hourly)."""
    max_age = settings.EXPORTS_KEEP_SECONDS if max_age_seconds is None else max_age_seconds
    cutoff = timezone.now().timestamp() - max_age
    removed = 0
    for path in exports_dir().iterdir():
        if path.suffix in (".json", ".xlsx", ".part", ".tmp") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += path.suffix == ".json"
    return removed
