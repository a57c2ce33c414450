"""The loan pages: the overdue loans list. Included by devices.urls."""

from django.urls import path

from devices.loans import views

urlpatterns = [
    path("loans/overdue/", views.OverdueLoanListView.as_view(), name="loans_overdue"),
]
