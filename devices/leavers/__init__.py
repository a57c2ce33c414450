"""Leaver cases: the services (every write audited: a LeaverEvent on the case's timeline, and
django-auditlog rows for the person and the case).

The contract's `devices/leavers.py`, grown into a package; everything public is imported here,
so `from devices.leavers import leaver_date_set, LeaverError` works. Beyond the contract:
`LeaverNotAllowed` (a `LeaverError` for an actor without the right), `leaver_people_deactivate_due`
(the beat task's service), and what the custody hooks call (`leaver_assignment_added`,
`leaver_assignment_returned`, `leaver_assignment_lost`: devices.leaver_hooks registers them).
"""

from devices.leavers.accounts import leaver_people_deactivate_due, leaver_person_deactivate, leaver_person_reactivate
from devices.leavers.cases import leaver_assignment_added, leaver_date_set
from devices.leavers.common import LeaverError, LeaverNotAllowed
from devices.leavers.lines import (
    leaver_assignment_lost,
    leaver_assignment_returned,
    leaver_case_sign_off,
    leaver_line_hand_to_supervisor,
    leaver_line_lost,
    leaver_line_property_receive,
    leaver_line_write_off,
)
from devices.leavers.steps import leaver_step_fire

__all__ = [
    "LeaverError",
    "LeaverNotAllowed",
    "leaver_assignment_added",
    "leaver_assignment_lost",
    "leaver_assignment_returned",
    "leaver_case_sign_off",
    "leaver_date_set",
    "leaver_line_hand_to_supervisor",
    "leaver_line_lost",
    "leaver_line_property_receive",
    "leaver_line_write_off",
    "leaver_people_deactivate_due",
    "leaver_person_deactivate",
    "leaver_person_reactivate",
    "leaver_step_fire",
]
