"""Leaver cases in the admin: the property list and the command unit leads are the Portal
admins' to edit; cases themselves are read here and worked on their pages (devices.leavers.services)."""

from django.contrib import admin

from devices.leavers.models import CommandUnitLead, LeaverCase, LeaverEvent, LeaverLine, LeaverPropertyKind, LeaverStep
from portal.admin import ReadOnlyAdmin
from portal.admin_input import SafeAutocompleteMixin


@admin.register(LeaverPropertyKind)
class LeaverPropertyKindAdmin(admin.ModelAdmin):
    """Untick "is active" to stop adding a kind to new cases: a kind on a case is never deleted."""

    list_display = ("name", "order", "is_active")
    # No list_editable: the admin's inline list inputs have no labels (axe, WCAG 1.3.1/4.1.2); a
    # kind is changed on its own page, where every field is labelled.
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommandUnitLead)
class CommandUnitLeadAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("command_unit", "lead")
    search_fields = ("command_unit", "lead__payroll_number", "lead__last_name")
    autocomplete_fields = ("lead",)
    list_select_related = ("lead",)


class LeaverLineInline(admin.TabularInline):
    model = LeaverLine
    extra = 0
    can_delete = False
    fields = (
        "description",
        "outcome",
        "handed_to_supervisor_at",
        "ended_at",
        "ended_by",
        "received_at_tech_bar",
        "reason",
    )
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LeaverEventInline(LeaverLineInline):
    model = LeaverEvent
    fields = ("created_at", "kind", "actor", "line", "note")
    readonly_fields = fields


class LeaverStepInline(LeaverLineInline):
    model = LeaverStep
    fields = ("step", "due_at", "fired_at", "cancelled_at", "cancel_reason")
    readonly_fields = fields


@admin.register(LeaverCase)
class LeaverCaseAdmin(ReadOnlyAdmin):
    list_display = ("person", "leaving_date", "status", "source", "opened_at", "ready_for_account_closure_at")
    list_filter = ("status", "source")
    search_fields = ("person__payroll_number", "person__last_name")
    date_hierarchy = "leaving_date"
    list_select_related = ("person",)
    inlines = [LeaverLineInline, LeaverStepInline, LeaverEventInline]
