"""The losses services, every public name re-exported here:
- losses: a holder's lost, stolen or faulty report, and a lost device found again;
- remote: remote actions (SIM block, remote wipe), each change of their state.
"""

from devices.losses.services.losses import (
    AlreadyReported,
    NotHeld,
    device_found,
    device_report_faulty,
    device_report_lost,
    loss_close_found,
)
from devices.losses.services.remote import (
    remote_action_complete,
    remote_action_end_found,
    remote_action_fail,
    remote_action_retry,
    remote_action_send,
    remote_actions_end_found,
    remote_actions_request_for_loss,
    remote_actions_request_for_write_off,
    remote_actions_send_pending,
)

__all__ = [
    "AlreadyReported",
    "NotHeld",
    "device_found",
    "device_report_faulty",
    "device_report_lost",
    "loss_close_found",
    "remote_action_complete",
    "remote_action_end_found",
    "remote_action_fail",
    "remote_action_retry",
    "remote_action_send",
    "remote_actions_end_found",
    "remote_actions_request_for_loss",
    "remote_actions_request_for_write_off",
    "remote_actions_send_pending",
]
