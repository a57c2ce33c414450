"""Policy pages, under /policy/. All of them are exempt from the acceptance gate."""

from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("mine/", views.MyPolicyListView.as_view(), name="my_policies"),
    path("compliance/", views.ComplianceIndexView.as_view(), name="compliance_index"),
    path("compliance/<slug:slug>/", views.PersonComplianceListView.as_view(), name="compliance"),
    path("<slug:slug>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<slug:slug>/v<int:number>/", views.PolicyVersionDetailView.as_view(), name="version"),
    path("<slug:slug>/v<int:number>/receipt/", views.ReceiptView.as_view(), name="receipt"),
]
