"""Kit entitlements and device requests in the admin: the standard kit per role is the Portal
admins' to edit; requests are read here and worked on their pages (devices.requests.services)."""

from django.contrib import admin

from devices.requests.models import DeviceRequest, DeviceRequestStep, KitEntitlement
from portal.admin import ReadOnlyAdmin


@admin.register(KitEntitlement)
class KitEntitlementAdmin(admin.ModelAdmin):
    list_display = ("role", "team", "kind", "quantity")
    list_filter = ("role", "kind")
    search_fields = ("team",)


class DeviceRequestStepInline(admin.TabularInline):
    model = DeviceRequestStep
    extra = 0
    can_delete = False
    fields = ("step", "due_at", "fired_at", "cancelled_at", "cancel_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeviceRequest)
class DeviceRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "requester", "kind", "device_model", "reason", "status", "collect_at", "created_at")
    list_filter = ("status", "kind", "reason", "needs_approval", "needs_admin_approval", "collect_at")
    search_fields = ("requester__payroll_number", "requester__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("requester", "device_model", "collect_at")
    inlines = [DeviceRequestStepInline]
