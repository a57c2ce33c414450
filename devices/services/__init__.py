"""Every change to a device goes through here: one transaction, one custody event each.

A package by concern, every public name re-exported here so `from devices import services;
services.device_issue(...)` and `from devices.services import X` work as before:
- common: the domain errors (DeviceError and its kinds), the status transition check, holder_refusal;
- custody: device_receive / devices_receive_bulk, device_issue, device_return;
- imports: devices_import (an MDM inventory file) and devices_upsert (a batch from its API), all or nothing;
- counter: counter_visit_confirm (a whole visit, confirmed once) and its basket.
"""

from devices.services.common import DeviceError, DeviceNotAvailable, HolderNotEligible, _transition, holder_refusal
from devices.services.counter import (
    SWAP_REASONS,
    CounterAcceptance,
    CounterBasket,
    TakeBack,
    counter_visit_confirm,
    faq_conflict,
    faq_refusal,
    hand_over_refusal,
    leaver_refusal,
)
from devices.services.custody import device_issue, device_receive, device_return, devices_receive_bulk
from devices.services.imports import DeviceImportReport, devices_import, devices_upsert

__all__ = [
    "SWAP_REASONS",
    "CounterAcceptance",
    "CounterBasket",
    "DeviceError",
    "DeviceImportReport",
    "DeviceNotAvailable",
    "HolderNotEligible",
    "TakeBack",
    "_transition",
    "counter_visit_confirm",
    "device_issue",
    "device_receive",
    "device_return",
    "devices_import",
    "devices_receive_bulk",
    "devices_upsert",
    "faq_conflict",
    "faq_refusal",
    "hand_over_refusal",
    "holder_refusal",
    "leaver_refusal",
]
