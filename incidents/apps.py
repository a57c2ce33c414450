"""Security incidents: the 12-hour report, its escalation timers and Data Office triage."""

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Security incidents"

    def ready(self):
        from auditlog.registry import auditlog

        from incidents import checks  # noqa: F401 - registers the ladder check
        from incidents.audit import SUMMARISED_FIELDS
        from incidents.models import Incident, IncidentStep, RegulatorDecision
        from incidents.services import incident_step_fire
        from portal import timers

        timers.register(IncidentStep, owner_field="incident", fire=incident_step_fire)
        # Long free text is logged as its length and fingerprint, not copied (incidents.audit).
        auditlog.register(Incident, mask_fields=SUMMARISED_FIELDS, mask_callable="incidents.audit.text_in_brief")
        auditlog.register(RegulatorDecision)
