"""Every change to a device's custody goes through here: one transaction, one custody event each.

A package by concern, every public name re-exported here so `from devices.core import services;
services.device_issue(...)` and `from devices.core.services import X` work:
- common: the domain errors (DeviceError and its kinds), the status transition check, holder_refusal;
- custody: device_receive / devices_receive_bulk, device_issue, device_return.
The counter's visit is `devices.counter.services`; the MDM file import is `devices.imports.services`.
"""

from devices.core.services.common import DeviceError, DeviceNotAvailable, HolderNotEligible, _transition, holder_refusal
from devices.core.services.custody import device_issue, device_receive, device_return, devices_receive_bulk

__all__ = [
    "DeviceError",
    "DeviceNotAvailable",
    "HolderNotEligible",
    "_transition",
    "device_issue",
    "device_receive",
    "device_return",
    "devices_receive_bulk",
    "holder_refusal",
]
