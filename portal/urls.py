"""Root URLs: the shell, sign-in, the admin and each app."""

from allauth.account import views as allauth_views
from django.contrib import admin
from django.urls import include, path

from portal import export_views, search_views, views
from portal.account_views import local_password_only
from portal.dashboards import views as dashboard_views

portal_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
    path("exports/<str:job_id>/", export_views.ExportJobView.as_view(), name="export_job"),
    path("exports/<str:job_id>/download/", export_views.ExportDownloadView.as_view(), name="export_download"),
    path("dashboards/", dashboard_views.DashboardIndexView.as_view(), name="dashboards"),
    path("dashboards/<slug:section>/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path("help/", views.help_page, name="help"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", views.health, name="health"),
    path("ready/", views.ready, name="ready"),
    # The same check where Kubernetes-style probes look for it.
    path("readyz", views.ready, name="readyz"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    # No self sign-up, and no changing one's own email: both come from the HR feed.
    # These paths 404 rather than say "closed".
    path("accounts/signup/", views.page_not_found),
    path("accounts/3rdparty/signup/", views.page_not_found),
    path("accounts/email/", views.page_not_found),
    # With Entra ID on, only break-glass accounts keep a local password to set or change.
    path("accounts/password/change/", local_password_only(allauth_views.password_change)),
    path("accounts/password/set/", local_password_only(allauth_views.password_set)),
    path(
        "admin/password_change/",
        local_password_only(admin.site.admin_view(admin.site.password_change, cacheable=True), back_to="admin:index"),
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("policy/", include("policy.urls")),
    path("incidents/", include("incidents.urls")),
    path("devices/", include("devices.urls")),
    path("api/", include("api.urls")),
]

# Nothing serves MEDIA_ROOT, in any configuration: uploads (incident attachments) are private and
# only ever leave through their app's permission-checked download view.

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
