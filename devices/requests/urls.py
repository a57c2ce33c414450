"""The kit request pages and the kit gaps list. Included by devices.urls."""

from django.urls import path

from devices.requests import views

urlpatterns = [
    path("requests/", views.MyRequestsView.as_view(), name="request_list"),
    path("requests/new/", views.DeviceRequestCreateView.as_view(), name="request_new"),
    path("requests/approvals/", views.ApprovalQueueView.as_view(), name="request_approvals"),
    path("requests/tech-bar/", views.TechBarRequestsView.as_view(), name="request_tech_bar"),
    path("requests/<int:pk>/", views.DeviceRequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/decide/", views.DeviceRequestDecideView.as_view(), name="request_decide"),
    path("requests/<int:pk>/reserve/", views.DeviceRequestReserveView.as_view(), name="request_reserve"),
    path("requests/<int:pk>/release/", views.DeviceRequestReleaseView.as_view(), name="request_release"),
    path("requests/<int:pk>/cancel/", views.DeviceRequestCancelView.as_view(), name="request_cancel"),
    path("kit-gaps/", views.KitGapsView.as_view(), name="kit_gaps"),
]
