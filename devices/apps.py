from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "Devices"

    def ready(self):
        from auditlog.registry import auditlog

        from devices.models import Device, DeviceModel, TechBar

        for model in (TechBar, DeviceModel, Device):
            auditlog.register(model)
