"""The Data Office's pages under /incidents/office/: the queue and its export, the review and print
pages, and triage, decision and status changes."""

import logging

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from incidents import permissions, selectors, services
from incidents.filters import IncidentFilterSet
from incidents.forms import (
    DecisionForm,
    StatusForm,
    TriageForm,
)
from incidents.tables import IncidentTable
from incidents.views.common import IncidentObjectMixin
from portal.tables import FilteredTableView
from portal.views_mixins import DomainErrorMixin

logger = logging.getLogger(__name__)


class IncidentQueueView(FilteredTableView):
    """Every incident, soonest deadline first, with its state against that deadline."""

    permission_check = permissions.can_review
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    template_name = "incidents/queue.html"
    export_name = "incidents"

    def get_queryset(self):
        return selectors.incident_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Incident queue", **kwargs)

    def create_export(self, export_format):
        # Exports carry personal data out of the portal: say who took one.
        logger.info("incident export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode())
        return super().create_export(export_format)


class IncidentReviewView(IncidentObjectMixin, TemplateView):
    """The Data Office's page: the whole timeline, every step, the report and the decisions."""

    permission_check = permissions.can_review
    template_name = "incidents/review.html"

    def get_context_data(self, **kwargs):
        user, incident = self.request.user, self.incident
        return super().get_context_data(
            page_title=f"Review {incident.reference}",
            timeline=selectors.incident_timeline(incident=incident, user=user),
            steps=selectors.incident_steps(incident=incident, user=user),
            updates=incident.updates.select_related("author"),
            attachments=incident.attachments.all(),
            is_own_report=permissions.is_reporter(user, incident),
            can_triage=permissions.can_triage(user, incident),
            can_decide=permissions.can_decide(user, incident),
            can_change_status=permissions.can_change_status(user, incident),
            can_update=permissions.can_add_update(user, incident),
            can_attach=permissions.can_add_attachment(user, incident),
            **kwargs,
        )


class IncidentPrintView(IncidentReviewView):
    """A plain summary for paper or PDF (the browser's print)."""

    template_name = "incidents/print.html"


class IncidentOfficeActionView(DomainErrorMixin, IncidentObjectMixin, FormView):
    """A Data Office action on one incident: a form, one service call, then back to the incident.

    Subclasses name the object permission, form, service, page title, heading, button and message.
    """

    permission_check = permissions.can_review
    template_name = "incidents/office_form.html"
    service = None  # services.incident_<action>(*, incident, actor, **form.cleaned_data) -> Incident
    title = heading = submit_label = success_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "incident": self.incident}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.title.format(incident=self.incident),
            heading=self.heading,
            submit_label=self.submit_label,
            **kwargs,
        )

    def form_valid(self, form):
        type(self).service(incident=self.incident, actor=self.request.user, **form.cleaned_data)
        self.incident.refresh_from_db()
        messages.success(self.request, self.get_success_message(self.incident))
        return redirect(self.incident.get_review_url())

    def get_success_message(self, incident) -> str:
        return self.success_message.format(incident=incident)


class IncidentTriageView(IncidentOfficeActionView):
    object_permission = permissions.can_triage
    form_class = TriageForm
    service = services.incident_triage
    title = "Triage {incident.reference}"
    heading = "Triage"
    submit_label = "Save triage"
    success_message = "{incident.reference} triaged."

    def get_initial(self):
        incident = self.incident
        if incident.triaged_at is None:
            return {"owner": self.request.user}
        return {
            "severity": incident.severity,
            "likelihood": incident.likelihood,
            "personal_data_breach": "yes" if incident.personal_data_breach else "no",
            "owner": incident.owner,
        }


class IncidentDecisionView(IncidentOfficeActionView):
    object_permission = permissions.can_decide
    template_name = "incidents/decision_form.html"
    form_class = DecisionForm
    service = services.incident_decision_record
    title = "Regulator decision for {incident.reference}"
    heading = "Regulator decision"
    submit_label = "Record decision"
    success_message = "Decision recorded for {incident.reference}."


class IncidentStatusView(IncidentOfficeActionView):
    object_permission = permissions.can_change_status
    form_class = StatusForm
    service = services.incident_status_change
    title = "Change the status of {incident.reference}"
    heading = "Change status"
    submit_label = "Change status"

    def get_success_message(self, incident) -> str:
        return f"{incident.reference} is now {incident.get_status_display().lower()}."
