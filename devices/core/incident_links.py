"""What the devices app adds to the Data Office's incident page: the devices involved, linked to
their records. Connected to `incidents.signals.incident_page_sections` in DevicesConfig.ready."""

from django.template.loader import render_to_string

from devices import permissions
from devices.core import selectors


def incident_devices_section(sender, *, incident, user, **kwargs) -> str:
    if user is None or not permissions.can_view_device(user):
        return ""
    devices = selectors.devices_for_incident(incident=incident)
    if not devices:
        return ""
    return render_to_string("devices/_incident_devices.html", {"devices": devices, "incident": incident})
