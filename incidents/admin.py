"""Incidents in the admin: for portal admins to look, never to edit. Every change goes through
incidents.services (and so onto the incident's timeline); the Data Office works on portal pages."""

from django.contrib import admin

from incidents.models import Incident, IncidentEvent, IncidentStep, RegulatorDecision
from portal.admin import ReadOnlyAdmin


class IncidentStepInline(admin.TabularInline):
    model = IncidentStep
    fields = ("ladder", "step", "due_at", "fired_at", "cancelled_at", "cancel_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IncidentEventInline(admin.TabularInline):
    model = IncidentEvent
    fields = ("at", "kind", "actor", "text", "visible_to_reporter")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "reporter", "status", "aware_at", "due_at", "submitted_at", "late_at", "severity")
    list_filter = ("status", "severity", "personal_data_breach", "source")
    search_fields = ("summary", "reporter__payroll_number", "reporter__last_name")
    list_select_related = ("reporter",)
    date_hierarchy = "created_at"
    inlines = [IncidentStepInline, IncidentEventInline]


@admin.register(IncidentStep)
class IncidentStepAdmin(ReadOnlyAdmin):
    list_display = ("incident", "ladder", "step", "due_at", "fired_at", "cancelled_at")
    list_filter = ("ladder", "step")
    list_select_related = ("incident",)


@admin.register(RegulatorDecision)
class RegulatorDecisionAdmin(ReadOnlyAdmin):
    list_display = ("incident", "outcome", "risk_rating", "regime", "decided_at", "decided_by")
    list_select_related = ("incident", "decided_by")
