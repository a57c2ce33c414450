"""A holder's reports of kit lost, stolen or faulty, under /devices/report/, and a Tech Bar's "found"
on a device's page. Included by devices.urls."""

from django.urls import path

from devices.losses import views

urlpatterns = [
    path("report/<int:pk>/", views.DeviceReportView.as_view(), name="device_report"),
    path("report/<int:pk>/faulty/", views.DeviceFaultyView.as_view(), name="device_report_faulty"),
    path("report/<int:pk>/<slug:kind>/", views.DeviceLossReportView.as_view(), name="device_report_loss"),
    path("<int:pk>/found/", views.DeviceFoundView.as_view(), name="device_found"),
]
