"""What every device service shares: the domain errors, the status transition check, and whether
a person may be handed kit."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

from devices.core.models import Device
from portal.errors import DomainError
from portal.models import User
from portal.transitions import transition


class DeviceError(DomainError):
    """A domain error the view turns into a message on the page."""


class DeviceNotAvailable(DeviceError):
    def __init__(self, device: Device):
        super().__init__(f"{device.asset_tag} is {device.get_status_display().lower()}, not in stock.")


class HolderNotEligible(DeviceError):
    pass


def _transition(device: Device, to_status: str) -> str:
    return transition(device, to=to_status, refuse=_cannot_go)


def _cannot_go(device: Device, to_status: str) -> DeviceError:
    return DeviceError(
        f"{device.asset_tag} cannot go from {device.get_status_display().lower()} "
        f"to {Device.Status(to_status).label.lower()}."
    )


def holder_refusal(holder: User, *, today: datetime.date | None = None) -> str:
    """Why kit may not be handed to this person, or '' when it may (conditions of use aside)."""
    today = today or timezone.localdate()
    if not holder.is_active:
        return f"{holder} is no longer active and cannot be issued kit."
    if holder.leaving_date is not None and holder.leaving_date < today:
        return f"{holder} left on {date_format(holder.leaving_date, 'j F Y')} and cannot be issued kit."
    return ""
