"""Admin for people: the HR import lives here; roles are assigned by group."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from import_export.admin import ImportExportMixin

from portal.models import Notification, SecurityEvent, User
from portal.resources import PersonResource


@admin.register(User)
class UserAdmin(ImportExportMixin, DjangoUserAdmin):
    resource_classes = [PersonResource]
    list_display = ("payroll_number", "last_name", "first_name", "email", "command_unit", "team", "is_active")
    list_filter = ("is_active", "is_staff", "local_sign_in_allowed", "groups", "command_unit")
    search_fields = ("payroll_number", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name")
    list_select_related = ("supervisor",)
    autocomplete_fields = ("supervisor",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("payroll_number", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "rank_or_grade")}),
        ("Where they work", {"fields": ("command_unit", "team", "supervisor", "leaving_date")}),
        ("Access", {"fields": ("is_active", "local_sign_in_allowed", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("payroll_number", "first_name", "last_name", "email", "password1", "password2"),
            },
        ),
    )

    def has_import_permission(self, request):
        # django-import-export lets anyone who can open the admin import unless told otherwise; the
        # HR import creates and changes people (their email is what sign-in matches on).
        return self.has_add_permission(request) and self.has_change_permission(request)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the application never changes: viewable, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "identifier", "user", "ip_address", "path")
    list_filter = ("kind",)
    search_fields = ("identifier", "ip_address", "user__payroll_number")
    date_hierarchy = "created_at"
    list_select_related = ("user",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "subject", "read_at")
    search_fields = ("recipient__payroll_number", "subject")
    list_select_related = ("recipient",)
