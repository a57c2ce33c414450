"""Who may do what with policies: built on the portal's role predicates, asked nowhere else."""

from portal import permissions
from portal.models import User


def can_publish(user: User) -> bool:
    """Only Portal admins publish a policy version (from the admin, after a preview)."""
    return permissions.is_portal_admin(user)


def can_view_compliance(user: User) -> bool:
    """Data Office reviewers (and Portal admins) see everyone; supervisors see their own team."""
    return permissions.can_view_compliance(user)


def sees_everyones_compliance(user: User) -> bool:
    return permissions.is_data_office(user)
