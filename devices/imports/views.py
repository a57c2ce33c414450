"""The job page of a large MDM import in the device admin: its progress bar (polled as JSON by
static/devices/import-job.js, refreshed by the page itself without JavaScript), its result, and the
confirmation that turns a check that passed into the import. Only the person who started a job and
Portal admins see it; anyone else is told it does not exist."""

from django.contrib import admin
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from devices.core.services import DeviceError
from devices.imports.models import DeviceImportJob
from devices.imports.services import jobs as import_jobs
from portal import permissions

REFRESH_SECONDS = 3  # the page's own refresh without JavaScript; the script polls every second


def _job_for(request, pk: int) -> DeviceImportJob:
    job = DeviceImportJob.objects.select_related("actor", "tech_bar").defer("data").filter(pk=pk).first()
    if job is None:
        raise Http404("No such import.")
    if not (job.actor_id == request.user.pk or permissions.is_portal_admin(request.user)):
        raise permissions.NotYours("No such import.")
    return job


@require_GET
def job_page(request, pk: int):
    return _render(request, _job_for(request, pk))


def _render(request, job: DeviceImportJob, *, error: str = "", status: int = 200):
    kind = "check" if job.dry_run else "import"
    context = {
        **admin.site.each_context(request),
        "title": f"MDM {kind} of {job.file_name}",
        "job": job,
        "progress": import_jobs.device_import_job_progress(job),
        "progress_url": reverse("admin:devices_device_import_job_progress", args=[job.pk]),
        "confirm_url": reverse("admin:devices_device_import_job_confirm", args=[job.pk]),
        "import_url": reverse("admin:devices_device_import"),
        "import_job": job.imports.first() if job.dry_run else None,
        "refresh_seconds": REFRESH_SECONDS,
        "error": error,
    }
    return TemplateResponse(request, "admin/devices/device/import_job.html", context, status=status)


@require_GET
def job_progress(request, pk: int):
    return JsonResponse(import_jobs.device_import_job_progress(_job_for(request, pk)))


def job_confirm(request, pk: int):
    job = _job_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        imported = import_jobs.device_import_job_confirm(job=job, actor=request.user)
    except DeviceError as error:
        return _render(request, job, error=str(error), status=409)
    return redirect("admin:devices_device_import_job", pk=imported.pk)
