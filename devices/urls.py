from django.urls import path

from devices import views

app_name = "devices"

urlpatterns = [
    path("my-kit/", views.MyKitView.as_view(), name="my_kit"),
    path("receipts/<int:pk>/", views.CounterReceiptView.as_view(), name="receipt"),
]
