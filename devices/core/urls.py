"""The core's pages: My kit, receipts, the device list and a device's page. Included by devices.urls."""

from django.urls import path

from devices.core import views

urlpatterns = [
    path("my-kit/", views.MyKitView.as_view(), name="my_kit"),
    path("receipts/<int:pk>/", views.CounterReceiptView.as_view(), name="receipt"),
    path("activity/", views.ActivityView.as_view(), name="activity"),
    path("", views.DeviceListView.as_view(), name="device_list"),
    path("<int:pk>/", views.DeviceDetailView.as_view(), name="device_detail"),
]
