from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "Devices"

    def ready(self):
        from auditlog.registry import auditlog

        from devices.incident_links import incident_devices_section
        from devices.models import Device, DeviceModel, TechBar
        from incidents.signals import incident_page_sections

        for model in (TechBar, DeviceModel, Device):
            auditlog.register(model)
        incident_page_sections.connect(incident_devices_section, dispatch_uid="devices.incident_devices_section")
