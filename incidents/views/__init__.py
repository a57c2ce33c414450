"""Incident pages. Reporting lives under /incidents/report/ (never blocked by the policy gate);
the Data Office's pages under /incidents/office/. Views check permission, validate a form, call
one service and show its domain errors against the form.

Split by concern: `reporter`, `office` and `common` (the mixins both use); `incidents.urls` imports
the views from here.
"""

from incidents.views.office import (
    IncidentDecisionView,
    IncidentOfficeActionView,
    IncidentPrintView,
    IncidentQueueView,
    IncidentReviewView,
    IncidentStatusView,
    IncidentTriageView,
)
from incidents.views.reporter import (
    IncidentAttachmentAddView,
    IncidentAttachmentDownloadView,
    IncidentAutosaveView,
    IncidentDetailView,
    IncidentReportEditView,
    IncidentStartView,
    IncidentUpdateAddView,
    MyIncidentsView,
)

__all__ = [
    "IncidentAttachmentAddView",
    "IncidentAttachmentDownloadView",
    "IncidentAutosaveView",
    "IncidentDecisionView",
    "IncidentDetailView",
    "IncidentOfficeActionView",
    "IncidentPrintView",
    "IncidentQueueView",
    "IncidentReportEditView",
    "IncidentReviewView",
    "IncidentStartView",
    "IncidentStatusView",
    "IncidentTriageView",
    "IncidentUpdateAddView",
    "MyIncidentsView",
]
