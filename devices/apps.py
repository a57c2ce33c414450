from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "Devices"

    def ready(self):
        from auditlog.registry import auditlog

        from devices import checks  # noqa: F401 - checks registers the ladder check
        from devices.core.incident_links import incident_devices_section
        from devices.leavers import hooks as leaver_hooks
        from devices.leavers.services import leaver_step_fire
        from devices.models import (
            CommandUnitLead,
            Device,
            DeviceModel,
            DeviceRequest,
            DeviceRequestStep,
            KitEntitlement,
            LeaverCase,
            LeaverLine,
            LeaverPropertyKind,
            LeaverStep,
            TechBar,
        )
        from devices.requests.services import device_request_step_fire
        from incidents.signals import incident_page_sections
        from portal import timers
        from portal.signals import leaving_date_changed

        for model in (
            TechBar,
            DeviceModel,
            Device,
            LeaverCase,
            LeaverLine,
            LeaverPropertyKind,
            CommandUnitLead,
            KitEntitlement,
            DeviceRequest,
        ):
            auditlog.register(model)
        incident_page_sections.connect(incident_devices_section, dispatch_uid="devices.incident_devices_section")
        timers.register(LeaverStep, owner_field="case", fire=leaver_step_fire)
        timers.register(DeviceRequestStep, owner_field="request", fire=device_request_step_fire)
        leaving_date_changed.connect(leaver_hooks.on_leaving_date_changed, dispatch_uid="devices.leaving_date_changed")
