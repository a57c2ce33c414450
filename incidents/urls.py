"""Incident URLs. /incidents/report/ is everything a reporter does (the policy gate never blocks
it); /incidents/office/ is the Data Office's."""

from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    # Reporting
    path("report/", views.IncidentStartView.as_view(), name="incident_start"),
    path("report/mine/", views.MyIncidentsView.as_view(), name="my_incidents"),
    path("report/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("report/<int:pk>/full-report/", views.IncidentReportEditView.as_view(), name="incident_report_edit"),
    path("report/<int:pk>/full-report/autosave/", views.IncidentAutosaveView.as_view(), name="incident_autosave"),
    path("report/<int:pk>/updates/new/", views.IncidentUpdateAddView.as_view(), name="incident_update_add"),
    path("report/<int:pk>/attachments/new/", views.IncidentAttachmentAddView.as_view(), name="incident_attachment_add"),
    path(
        "report/<int:pk>/attachments/<int:attachment_pk>/",
        views.IncidentAttachmentDownloadView.as_view(),
        name="incident_attachment_download",
    ),
    # The Data Office
    path("office/", views.IncidentQueueView.as_view(), name="incident_queue"),
    path("office/<int:pk>/", views.IncidentReviewView.as_view(), name="incident_review"),
    path("office/<int:pk>/triage/", views.IncidentTriageView.as_view(), name="incident_triage"),
    path("office/<int:pk>/decision/", views.IncidentDecisionView.as_view(), name="incident_decision"),
    path("office/<int:pk>/status/", views.IncidentStatusView.as_view(), name="incident_status"),
    path("office/<int:pk>/print/", views.IncidentPrintView.as_view(), name="incident_print"),
]
