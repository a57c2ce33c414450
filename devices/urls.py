"""Device URLs. /devices/report/ is the holder's (never blocked by the conditions-of-use gate)."""

from django.urls import path

from devices import leaver_views, request_views, views

app_name = "devices"

urlpatterns = [
    path("my-kit/", views.MyKitView.as_view(), name="my_kit"),
    path("receipts/<int:pk>/", views.CounterReceiptView.as_view(), name="receipt"),
    path("report/<int:pk>/", views.DeviceReportView.as_view(), name="device_report"),
    path("report/<int:pk>/faulty/", views.DeviceFaultyView.as_view(), name="device_report_faulty"),
    path("report/<int:pk>/<slug:kind>/", views.DeviceLossReportView.as_view(), name="device_report_loss"),
    path("team/", leaver_views.MyTeamView.as_view(), name="my_team"),
    path("team/<str:payroll>/leaving-date/", leaver_views.LeavingDateView.as_view(), name="leaving_date"),
    path("leavers/", leaver_views.LeaverCaseListView.as_view(), name="leaver_list"),
    path("leavers/<int:pk>/", leaver_views.LeaverCaseDetailView.as_view(), name="leaver_case"),
    path(
        "leavers/<int:pk>/lines/<int:line_pk>/handed/",
        leaver_views.LeaverLineHandedView.as_view(),
        name="leaver_line_handed",
    ),
    path("leavers/<int:pk>/sign-off/", leaver_views.LeaverCaseSignOffView.as_view(), name="leaver_case_sign_off"),
    path("requests/", request_views.MyRequestsView.as_view(), name="request_list"),
    path("requests/new/", request_views.DeviceRequestCreateView.as_view(), name="request_new"),
    path("requests/approvals/", request_views.ApprovalQueueView.as_view(), name="request_approvals"),
    path("requests/tech-bar/", request_views.TechBarRequestsView.as_view(), name="request_tech_bar"),
    path("requests/<int:pk>/", request_views.DeviceRequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/decide/", request_views.DeviceRequestDecideView.as_view(), name="request_decide"),
    path("requests/<int:pk>/reserve/", request_views.DeviceRequestReserveView.as_view(), name="request_reserve"),
    path("requests/<int:pk>/release/", request_views.DeviceRequestReleaseView.as_view(), name="request_release"),
    path("requests/<int:pk>/cancel/", request_views.DeviceRequestCancelView.as_view(), name="request_cancel"),
    path("kit-gaps/", request_views.KitGapsView.as_view(), name="kit_gaps"),
    path("", views.DeviceListView.as_view(), name="device_list"),
    path("<int:pk>/", views.DeviceDetailView.as_view(), name="device_detail"),
]
