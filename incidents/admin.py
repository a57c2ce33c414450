"""Incidents in the admin: for Data Office reviewers to look, never to edit. Status, triage and
decision change only through incidents.services (and so onto the incident's timeline), on the
Data Office's pages. Portal admins and Tech Bar staff do not see incidents here at all, whatever
permissions their groups hold: incident content is for the reporter and the Data Office."""

from contextvars import ContextVar

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from incidents.models import Incident, IncidentEvent, IncidentStep, RegulatorDecision
from incidents.permissions import can_use_incidents_admin
from portal.admin import ReadOnlyAdmin


class DataOfficeReadOnlyAdmin(ReadOnlyAdmin):
    """Viewable by Data Office reviewers (their group holds the view permissions), by no one else."""

    def has_module_permission(self, request):
        return can_use_incidents_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_use_incidents_admin(request.user) and super().has_view_permission(request, obj)


# The request of the change page being rendered, so that a person is linked only for a viewer who
# may open that person's page (the Data Office may not open the people admin: a link there is a 403).
_viewer: ContextVar = ContextVar("incidents_admin_viewer", default=None)


def person_for_viewer(admin_site, person):
    """A person's name, linked to their admin page only when the viewer may open it."""
    if person is None:
        return "–"
    request = _viewer.get()
    person_admin = admin_site._registry.get(type(person))
    if request is not None and person_admin is not None and person_admin.has_view_permission(request, person):
        meta = type(person)._meta
        url = reverse(f"{admin_site.name}:{meta.app_label}_{meta.model_name}_change", args=[person.pk])
        return format_html('<a href="{}">{}</a>', url, person)
    return str(person)


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
    fields = ("at", "kind", "actor_person", "text", "visible_to_reporter")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Actor")
    def actor_person(self, obj):
        return person_for_viewer(self.admin_site, obj.actor)


# Incident changes in the audit log are personal data of victims and witnesses.
admin.site.restrict_log_entries("incidents", can_use_incidents_admin)


@admin.register(Incident)
class IncidentAdmin(DataOfficeReadOnlyAdmin):
    list_display = ("__str__", "reporter", "status", "aware_at", "due_at", "submitted_at", "late_at", "severity")
    list_filter = ("status", "severity", "personal_data_breach", "source")
    search_fields = ("summary", "reporter__payroll_number", "reporter__last_name")
    list_select_related = ("reporter",)
    date_hierarchy = "created_at"
    inlines = [IncidentStepInline, IncidentEventInline]
    readonly_fields = ("reporter_person", "owner_person")
    _PEOPLE = {"reporter": "reporter_person", "owner": "owner_person"}

    def get_fields(self, request, obj=None):
        fields = [self._PEOPLE.get(name, name) for name in super().get_fields(request, obj)]
        return list(dict.fromkeys(fields))  # each once, where the model field stood

    def change_view(self, request, object_id, form_url="", extra_context=None):
        token = _viewer.set(request)
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the viewer is known
            return response
        finally:
            _viewer.reset(token)

    @admin.display(description="Reporter")
    def reporter_person(self, obj):
        return person_for_viewer(self.admin_site, obj.reporter)

    @admin.display(description="Owner")
    def owner_person(self, obj):
        return person_for_viewer(self.admin_site, obj.owner)


@admin.register(IncidentStep)
class IncidentStepAdmin(DataOfficeReadOnlyAdmin):
    list_display = ("incident", "ladder", "step", "due_at", "fired_at", "cancelled_at")
    list_filter = ("ladder", "step")
    list_select_related = ("incident",)


@admin.register(RegulatorDecision)
class RegulatorDecisionAdmin(DataOfficeReadOnlyAdmin):
    list_display = ("incident", "outcome", "risk_rating", "regime", "decided_at", "decided_by")
    list_select_related = ("incident", "decided_by")
