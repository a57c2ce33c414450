"""The core's pages: My kit, receipts, a holder's reports (under /devices/report/, never blocked
by the conditions-of-use gate), the device list and a device's page. Included by devices.urls."""

from django.urls import path

from devices.core import views

urlpatterns = [
    path("my-kit/", views.MyKitView.as_view(), name="my_kit"),
    path("receipts/<int:pk>/", views.CounterReceiptView.as_view(), name="receipt"),
    path("report/<int:pk>/", views.DeviceReportView.as_view(), name="device_report"),
    path("report/<int:pk>/faulty/", views.DeviceFaultyView.as_view(), name="device_report_faulty"),
    path("report/<int:pk>/<slug:kind>/", views.DeviceLossReportView.as_view(), name="device_report_loss"),
    path("", views.DeviceListView.as_view(), name="device_list"),
    path("<int:pk>/", views.DeviceDetailView.as_view(), name="device_detail"),
]
