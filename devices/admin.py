"""The Tech Bar's admin: devices, models and counters. Custody changes go through services."""

from django.contrib import admin

from devices.models import Assignment, Device, DeviceEvent, DeviceModel, TechBar
from portal.admin import ReadOnlyAdmin, UserAdmin


@admin.register(TechBar)
class TechBarAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "location", "is_active")
    search_fields = ("name", "code")


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = ("make", "model_name", "kind", "operating_system")
    list_filter = ("kind",)
    search_fields = ("make", "model_name")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "device"
    extra = 0
    can_delete = False
    fields = ("holder", "issued_at", "issued_at_tech_bar", "returned_at", "return_reason", "condition")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("asset_tag", "model", "status", "tech_bar", "phone_number", "imei")
    list_filter = ("status", "model__kind", "tech_bar")
    search_fields = ("asset_tag", "serial_number", "imei", "phone_number")
    list_select_related = ("model", "tech_bar")
    readonly_fields = ("status", "updated_at")  # status moves only through the counter services
    inlines = [AssignmentInline]


@admin.register(DeviceEvent)
class DeviceEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "device", "kind", "holder", "actor", "tech_bar")
    list_filter = ("kind",)
    search_fields = ("device__asset_tag", "holder__payroll_number")
    list_select_related = ("device__model", "holder", "actor", "tech_bar")


class KitHeldInline(admin.TabularInline):
    """On a person's admin page: the kit they hold now, which is what the counter needs to see."""

    model = Assignment
    fk_name = "holder"
    verbose_name = "device held"
    verbose_name_plural = "Kit held now"
    fields = ("device", "issued_at", "issued_at_tech_bar")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(returned_at__isnull=True)
            .select_related("device__model", "issued_at_tech_bar")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The people admin is the portal's; devices adds its inline there (devices depends on portal,
# never the other way round).
UserAdmin.inlines = [*UserAdmin.inlines, KitHeldInline]
