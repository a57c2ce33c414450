"""The project's URLs plus `bench-admin/`: plain ModelAdmins (only list_display), the baseline a team
would get from `admin.site.register`. Used only while the bench runs (ROOT_URLCONF override)."""

from django.contrib import admin
from django.urls import include, path

from devices.models import Device, LeaverCase
from incidents.models import Incident
from portal.models import User


class PlainSite(admin.AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff


class PlainAdmin(admin.ModelAdmin):
    """A default ModelAdmin; the permission checks are opened to staff, so one login sees every list,
    and a page holds as many rows as the portal's (50, not the admin's 100), so the two compare."""

    list_per_page = 50

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


site = PlainSite(name="bench_admin")
site.register(Device, PlainAdmin, list_display=["asset_tag", "model", "tech_bar", "status"])
site.register(User, PlainAdmin, list_display=["payroll_number", "last_name", "first_name", "command_unit", "team"])
site.register(Incident, PlainAdmin, list_display=["pk", "reporter", "status", "aware_at", "due_at"])
site.register(LeaverCase, PlainAdmin, list_display=["pk", "person", "leaving_date"])

urlpatterns = [path("bench-admin/", site.urls), path("", include("portal.urls"))]
