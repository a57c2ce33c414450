"""Incidents in the admin: for Data Office reviewers to look, never to edit. Status, triage and
decision change only through incidents.services (and so onto the incident's timeline), on the
Data Office's pages. Portal admins and Tech Bar staff do not see incidents here at all, whatever
permissions their groups hold: incident content is for the reporter and the Data Office."""

from django.contrib import admin

from incidents.models import Incident, IncidentEvent, IncidentStep, RegulatorDecision
from incidents.permissions import can_use_incidents_admin
from portal.admin import ReadOnlyAdmin


class DataOfficeReadOnlyAdmin(ReadOnlyAdmin):
    """Viewable by Data Office reviewers (their group holds the view permissions), by no one else."""

    def has_module_permission(self, request):
        return can_use_incidents_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_use_incidents_admin(request.user) and super().has_view_permission(request, obj)


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
class IncidentAdmin(DataOfficeReadOnlyAdmin):
    list_display = ("__str__", "reporter", "status", "aware_at", "due_at", "submitted_at", "late_at", "severity")
    list_filter = ("status", "severity", "personal_data_breach", "source")
    search_fields = ("summary", "reporter__payroll_number", "reporter__last_name")
    list_select_related = ("reporter",)
    date_hierarchy = "created_at"
    inlines = [IncidentStepInline, IncidentEventInline]


@admin.register(IncidentStep)
class IncidentStepAdmin(DataOfficeReadOnlyAdmin):
    list_display = ("incident", "ladder", "step", "due_at", "fired_at", "cancelled_at")
    list_filter = ("ladder", "step")
    list_select_related = ("incident",)


@admin.register(RegulatorDecision)
class RegulatorDecisionAdmin(DataOfficeReadOnlyAdmin):
    list_display = ("incident", "outcome", "risk_rating", "regime", "decided_at", "decided_by")
    list_select_related = ("incident", "decided_by")
