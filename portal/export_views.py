"""A large XLSX export's page (progress, then the download link) and its download: the
requester's own only; anyone else's, or an expired one, is not found."""

from django.http import FileResponse, Http404
from django.views import View
from django.views.generic import TemplateView

from portal import exports


def _own_job(request, job_id: str) -> exports.ExportJob:
    job = exports.export_job_for(user=request.user, job_id=job_id)
    if job is None:
        raise Http404("No such export: exports are kept for a day.")
    return job


class ExportJobView(TemplateView):
    template_name = "portal/export_job.html"

    def get_context_data(self, **kwargs):
        job = _own_job(self.request, kwargs["job_id"])
        return super().get_context_data(page_title="Your export", job=job, **kwargs)


class ExportDownloadView(View):
    def get(self, request, job_id: str):
        job = _own_job(request, job_id)
        if job.status != "done" or not job.file.exists():
            raise Http404("This export is not ready.")
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
