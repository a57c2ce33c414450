"""The leaver pages: My team, a leaving date, the list of open cases and a case. Included by devices.urls."""

from django.urls import path

from devices.leavers.views import pages as views

urlpatterns = [
    path("team/", views.MyTeamView.as_view(), name="my_team"),
    path("team/<str:payroll>/leaving-date/", views.LeavingDateView.as_view(), name="leaving_date"),
    path("leavers/", views.LeaverCaseListView.as_view(), name="leaver_list"),
    path("leavers/<int:pk>/", views.LeaverCaseDetailView.as_view(), name="leaver_case"),
    path(
        "leavers/<int:pk>/lines/<int:line_pk>/handed/",
        views.LeaverLineHandedView.as_view(),
        name="leaver_line_handed",
    ),
    path("leavers/<int:pk>/sign-off/", views.LeaverCaseSignOffView.as_view(), name="leaver_case_sign_off"),
]
