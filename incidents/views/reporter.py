"""The reporter's pages under /incidents/report/ (never blocked by the policy gate): the first
notification, the full report and its autosave, updates and attachments."""

import math
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from incidents import permissions, selectors, services
from incidents.forms import (
    AttachmentForm,
    FirstNotificationForm,
    FullReportForm,
    IncidentUpdateForm,
    posted_draft_version,
)
from incidents.views.common import IncidentObjectMixin
from portal.errors import show_domain_error
from portal.localtime import local_time
from portal.permissions import RoleRequiredMixin
from portal.views_mixins import DomainErrorMixin


class IncidentStartView(DomainErrorMixin, RoleRequiredMixin, FormView):
    """The first notification: four questions, then the clock is running."""

    permission_check = permissions.can_report
    template_name = "incidents/start.html"
    form_class = FirstNotificationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Report a security incident", **kwargs)

    def form_valid(self, form):
        try:
            incident = services.incident_open(reporter=self.request.user, **form.cleaned_data)
        except services.AlreadyOpened as repeat:
            # A double click or a resend: the page the first submission led to, once more.
            messages.info(
                self.request,
                f"This first notification was sent already: it is {repeat.incident.reference}. "
                "To report something else, start a new report.",
            )
            return redirect("incidents:incident_detail", pk=repeat.incident.pk)
        due = local_time(incident.due_at)
        if incident.late_from_start:
            messages.warning(
                self.request,
                f"We have your first notification, {incident.reference}. It is more than 12 hours since you "
                "became aware, so the report is late: please complete the full report now and give the reasons.",
            )
        else:
            messages.success(
                self.request,
                f"We have your first notification, {incident.reference}. Complete the full report by {due}.",
            )
        return redirect("incidents:incident_detail", pk=incident.pk)


class MyIncidentsView(RoleRequiredMixin, ListView):
    permission_check = permissions.can_report
    template_name = "incidents/mine.html"
    context_object_name = "incidents"
    paginate_by = 25

    def get_queryset(self):
        return selectors.incidents_reported_by(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="My incident reports", **kwargs)


class IncidentDetailView(IncidentObjectMixin, TemplateView):
    """The reporter's page: status, time left, the report, updates, attachments, timeline."""

    template_name = "incidents/detail.html"

    def get_context_data(self, **kwargs):
        user, incident = self.request.user, self.incident
        return super().get_context_data(
            page_title=f"Incident {incident.reference}",
            timeline=selectors.incident_timeline(incident=incident, user=user),
            steps=selectors.incident_steps(incident=incident, user=user),
            updates=incident.updates.select_related("author"),
            attachments=incident.attachments.all(),
            can_edit=permissions.can_edit_report(user, incident),
            can_update=permissions.can_add_update(user, incident),
            can_attach=permissions.can_add_attachment(user, incident),
            can_review=permissions.can_review(user),
            **kwargs,
        )


class IncidentReportEditView(IncidentObjectMixin, TemplateView):
    """The full report: "Save and come back later" keeps whatever is valid; "Submit" checks
    everything. Either way, what was typed comes back on the page if anything is wrong."""

    template_name = "incidents/report_form.html"

    def _late(self) -> bool:
        return self.incident.is_late or self.incident.timeliness == selectors.Timeliness.LATE

    def get(self, request, *args, **kwargs):
        if not permissions.can_edit_report(request.user, self.incident):
            return self._not_editable()
        return self.render_to_response(
            self.get_context_data(form=FullReportForm(instance=self.incident, late=self._late()))
        )

    def post(self, request, *args, **kwargs):
        if not permissions.can_edit_report(request.user, self.incident):
            return self._not_editable()
        form = FullReportForm(request.POST, instance=self.incident, late=self._late())
        version = posted_draft_version(request.POST)
        submitting = "submit" in request.POST
        valid = form.is_valid()
        try:
            if submitting and valid:
                try:
                    services.incident_submit(
                        incident=self.incident, actor=request.user, values=form.report_values(), draft_version=version
                    )
                except services.IncidentError as error:
                    show_domain_error(form, error)
                else:
                    messages.success(request, f"Full report for {self.incident.reference} submitted. Thank you.")
                    return redirect("incidents:incident_detail", pk=self.incident.pk)
            elif submitting:
                # Say everything that stops the submission at once, not the typing mistakes first.
                problems = services.report_submission_problems(
                    incident=self.incident, typed=form.report_values(), late=self._late()
                )
                for field, message in problems.items():
                    if field not in form.errors:
                        form.add_error(field, message)
            # Nothing typed is lost: whatever is valid is saved, and the page shows all of it again.
            saved = services.incident_draft_save(
                incident=self.incident, actor=request.user, values=form.report_values(), draft_version=version
            )
        except services.ReportAlreadySubmitted:
            # The second of a double click, or a page left open after submitting elsewhere.
            return self._not_editable()
        except services.StaleDraft as error:
            # What was typed is shown again; the page keeps the version it had, so it cannot
            # overwrite the newer draft until it is reloaded.
            show_domain_error(form, error)
            return self.render_to_response(self.get_context_data(form=form, draft_version=version), status=error.status)
        self.incident.draft_saved_at = saved.draft_saved_at
        self.incident.draft_version = saved.draft_version
        if not submitting and valid:
            if saved.draft_saved_at:
                messages.success(request, f"Draft saved at {timezone.localtime(saved.draft_saved_at):%H:%M}.")
            return redirect("incidents:incident_report_edit", pk=self.incident.pk)
        return self.render_to_response(self.get_context_data(form=form, draft_saved=True), status=400)

    def _not_editable(self):
        if permissions.is_reporter(self.request.user, self.incident):
            messages.info(self.request, "The full report has been submitted. Add anything new as an update.")
            return redirect("incidents:incident_detail", pk=self.incident.pk)
        raise PermissionDenied("Only the reporter writes the full report.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Full report for {self.incident.reference}",
            attachment_form=AttachmentForm(),
            attachments=self.incident.attachments.all(),
            late=self._late(),
            autosave_min_seconds=settings.INCIDENT_AUTOSAVE_MIN_SECONDS,
            **{"draft_version": self.incident.draft_version, **kwargs},
        )


class IncidentAutosaveView(IncidentObjectMixin, View):
    """Progressive enhancement: the report page posts here as the reporter types (static/incidents/report.js).

    Answers JSON: 200 saved (or nothing to save); 409 when the page is behind the saved draft or the
    report has been submitted; 429 when saves come faster than one per INCIDENT_AUTOSAVE_MIN_SECONDS
    for this person (Retry-After says when to try again).
    """

    object_permission = permissions.is_reporter
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not permissions.can_edit_report(request.user, self.incident):
            return self._not_editable()
        wait = _autosave_wait(request.user)
        if wait:
            return JsonResponse(
                {"message": f"Saving too often: the next save will be in {wait} seconds.", "retry_after": wait},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        form = FullReportForm(request.POST, instance=self.incident)
        form.is_valid()
        try:
            saved = services.incident_draft_save(
                incident=self.incident,
                actor=request.user,
                values=form.report_values(),
                draft_version=posted_draft_version(request.POST),
            )
        except services.ReportAlreadySubmitted:
            return self._not_editable(submitted=True)
        except services.StaleDraft as error:
            return JsonResponse({"message": error.messages[0], "reload": True}, status=409)
        return JsonResponse(
            {
                "version": saved.draft_version,
                "saved_at_display": (
                    f"{timezone.localtime(saved.draft_saved_at):%H:%M}" if saved.draft_saved_at else ""
                ),
                "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
            }
        )

    def _not_editable(self, *, submitted: bool = False):
        # The reporter's own page, left open: say why it no longer saves (not a refusal to log).
        submitted = submitted or self.incident.is_submitted
        return JsonResponse(
            {
                "message": (
                    "The full report has been submitted, so it is no longer saved from this page."
                    if submitted
                    else "This incident is closed, so its report is no longer saved from this page."
                )
                + " Add anything new as an update.",
                "url": reverse("incidents:incident_detail", args=[self.incident.pk]),
            },
            status=409,
        )


def _autosave_wait(user) -> int:
    """Seconds this person must wait before the next autosave (0: save now). One save per
    INCIDENT_AUTOSAVE_MIN_SECONDS per person, kept in the shared cache so every web worker agrees."""
    interval = settings.INCIDENT_AUTOSAVE_MIN_SECONDS
    if interval <= 0:
        return 0
    key = f"incidents:autosave:{user.pk}"
    now = time.time()
    if cache.add(key, now, timeout=interval + 1):
        return 0
    last = cache.get(key)
    if last is None or now - last >= interval:
        cache.set(key, now, timeout=interval + 1)
        return 0
    return max(1, math.ceil(interval - (now - last)))


class IncidentUpdateAddView(DomainErrorMixin, IncidentObjectMixin, FormView):
    object_permission = permissions.can_add_update
    template_name = "incidents/update_form.html"
    form_class = IncidentUpdateForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=f"Add an update to {self.incident.reference}", **kwargs)

    def form_valid(self, form):
        services.incident_update_add(incident=self.incident, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Update added.")
        return redirect(_incident_page(self.request.user, self.incident))


class IncidentAttachmentAddView(DomainErrorMixin, IncidentObjectMixin, FormView):
    object_permission = permissions.can_add_attachment
    template_name = "incidents/attachment_form.html"
    form_class = AttachmentForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=f"Add an attachment to {self.incident.reference}", **kwargs)

    def form_valid(self, form):
        attachment = services.incident_attachment_add(
            incident=self.incident, actor=self.request.user, upload=form.cleaned_data["file"]
        )
        messages.success(self.request, f"Attachment {attachment.original_name} added.")
        if self.request.POST.get("return_to") == "report" and permissions.can_edit_report(
            self.request.user, self.incident
        ):
            return redirect("incidents:incident_report_edit", pk=self.incident.pk)
        return redirect(_incident_page(self.request.user, self.incident))


class IncidentAttachmentDownloadView(IncidentObjectMixin, View):
    """Attachments are never public media: each download checks who is asking."""

    def get(self, request, *args, pk, attachment_pk, **kwargs):
        attachment = get_object_or_404(self.incident.attachments, pk=attachment_pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The file is missing from storage.") from exc
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["Cache-Control"] = "private, no-store"
        return response


def _incident_page(user, incident) -> str:
    if permissions.is_reporter(user, incident) or not permissions.can_review(user):
        return reverse("incidents:incident_detail", args=[incident.pk])
    return incident.get_review_url()
