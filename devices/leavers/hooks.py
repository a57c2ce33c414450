"""What happens to leaver cases when something else happens: the portal's `leaving_date_changed`
signal and the custody moments (`devices.core.services.hooks`), carried into the leaver services."""

from devices.core.models import Assignment, Device, TechBar
from devices.leavers.services import (
    leaver_assignment_added,
    leaver_assignment_lost,
    leaver_assignment_returned,
    leaver_date_set,
)
from devices.leavers.services.cases import leaver_line_lent
from devices.leavers.services.lines import (
    leaver_accessories_returned,
    leaver_case_is_open,
    refuse_leaver_device_returned_twice,
)
from portal.models import User


def on_leaving_date_changed(sender, *, person, leaving_date, actor=None, source, reason="", **kwargs):
    """The Portal admin's person form or the HR import changed a leaving date: open, move or
    cancel the case, in the same transaction (an error rolls their save back)."""
    leaver_date_set(person=person, leaving_date=leaving_date, actor=actor, source=source, reason=reason)


def on_device_issued(
    *, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar, holder_locked: bool = False
) -> None:
    """A device issued to someone with an open case joins it."""
    leaver_assignment_added(assignment=assignment, actor=actor, holder_locked=holder_locked)


def on_device_lent(*, loan, actor: User) -> None:
    """A device lent to someone with an open case: its line (added as it was issued) says so."""
    leaver_line_lent(assignment=loan.assignment, on_loan=loan.words)


def on_device_returned(*, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar) -> None:
    """A device checked in at a counter ends its line."""
    leaver_assignment_returned(assignment=assignment, actor=actor, tech_bar=tech_bar)


def on_accessories_returned(*, person: User, kind, quantity: int, remaining: int, actor: User, tech_bar: TechBar):
    """Accessories taken back at a counter: the leaver's line for the kind ends once none is held."""
    leaver_accessories_returned(person=person, kind=kind, remaining=remaining, actor=actor, tech_bar=tech_bar)


def on_device_lost(*, assignment: Assignment, actor: User, details: str) -> None:
    """A leaver's device reported lost or stolen ends its line as lost."""
    leaver_assignment_lost(assignment=assignment, actor=actor, details=details)


def on_return_unmatched(*, device: Device) -> None:
    """A leaver's device checked in at two counters at once: the second hears where it came back."""
    refuse_leaver_device_returned_twice(device)


def return_reason(*, assignment: Assignment) -> str | None:
    """A leaver's kit comes back because they leave: "leaver" unless the counter chose a reason."""
    return Assignment.ReturnReason.LEAVER if leaver_case_is_open(assignment.holder_id) else None
