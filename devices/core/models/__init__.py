"""The core's models: the catalogue (Tech Bars, their opening hours, device models) and devices,
assignments and their custody history. `devices.models` re-exports them."""

from devices.core.models.catalogue import DeviceModel, TechBar, TechBarOpeningHours
from devices.core.models.device import Assignment, Device, DeviceEvent

__all__ = ["Assignment", "Device", "DeviceEvent", "DeviceModel", "TechBar", "TechBarOpeningHours"]
