"""Kit requests: every write to a DeviceRequest goes through here (one transaction each, audited
by django-auditlog, people told after commit through portal.services.notify's outbox).

- submit: `device_request_submit` (standard kit within the entitlement: approved at once)
- decide: `device_request_decide` (supervisor step, then a Portal admin's for approval-required models)
- reserve: `device_request_reserve`, `device_request_release`, `device_request_cancel`
- counter: `device_request_on_issued` (the custody hook of device_issue): `device_request_issue_check`
  then `device_request_collected`
- leavers: `device_requests_cancel_for_leaver` (called when a leaver case opens)
- steps: the ladder's reminders and the release after the reservation runs out
"""

from devices.requests.services.common import RequestError
from devices.requests.services.counter import device_request_collected, device_request_issue_check
from devices.requests.services.decide import device_request_decide
from devices.requests.services.leavers import device_requests_cancel_for_leaver
from devices.requests.services.reserve import device_request_cancel, device_request_release, device_request_reserve
from devices.requests.services.steps import device_request_step_fire
from devices.requests.services.submit import device_request_submit

__all__ = [
    "RequestError",
    "device_request_cancel",
    "device_request_collected",
    "device_request_decide",
    "device_request_issue_check",
    "device_request_release",
    "device_request_reserve",
    "device_request_step_fire",
    "device_request_submit",
    "device_requests_cancel_for_leaver",
]
