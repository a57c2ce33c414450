"""What happens to loans when custody changes (`devices.core.services.hooks`, registered in
`DevicesConfig.ready()`): a loaned device that comes back, or is reported lost, ends its loan."""

from devices.core.models import Assignment, Device, TechBar
from devices.loans.services import loan_end
from portal.models import User


def on_device_returned(*, device: Device, assignment: Assignment, actor: User, tech_bar: TechBar) -> None:
    loan_end(assignment=assignment, reason=f"Returned at {tech_bar}.")


def on_device_lost(*, assignment: Assignment, actor: User, details: str) -> None:
    loan_end(assignment=assignment, reason="Reported lost or stolen.")
