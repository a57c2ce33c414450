"""Who may do what with an incident. Reporters see their own, Data Office reviewers see all,
nobody else sees any (Tech Bar staff, supervisors and Portal admins included: Portal admins run
the portal, not breach reports); nobody triages their own. A superuser is the break-glass
account and passes every role check, here as everywhere."""

from portal.models import Role
from portal.permissions import has_role


def can_report(user) -> bool:
    """Anyone signed in may report, for themselves or for something someone else saw."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_review(user) -> bool:
    """The Data Office's pages: the queue, the export, the review page."""
    return has_role(user, Role.DATA_OFFICE)


def can_use_incidents_admin(user) -> bool:
    """The incidents admin (read-only: every change goes through incidents.services) and the
    audit log's entries for incidents: Data Office reviewers only."""
    return has_role(user, Role.DATA_OFFICE)


def is_reporter(user, incident) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and incident.reporter_id == user.pk


def can_view(user, incident) -> bool:
    return is_reporter(user, incident) or can_review(user)


def can_edit_report(user, incident) -> bool:
    """The full report is the reporter's, and theirs to change only until they submit it."""
    return is_reporter(user, incident) and not incident.is_submitted and incident.is_open


def can_add_update(user, incident) -> bool:
    return incident.is_open and can_view(user, incident)


def can_add_attachment(user, incident) -> bool:
    return incident.is_open and can_view(user, incident)


def can_triage(user, incident) -> bool:
    return can_review(user) and not is_reporter(user, incident) and incident.is_open


def can_decide(user, incident) -> bool:
    return can_triage(user, incident) and bool(incident.personal_data_breach) and not incident.has_decision


def can_change_status(user, incident) -> bool:
    return can_triage(user, incident) and incident.triaged_at is not None
