"""The one answer to "may this user do X" for the portal: role predicates and the view mixin.

Each app keeps its own object-level rules in its own `permissions.py`, built from these
predicates; views never test group names themselves.
"""

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.models import Role


def roles_of(user) -> frozenset[str]:
    """The names of the user's roles, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_kitbag_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._kitbag_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(roles_of(user) & set(roles))


def is_portal_admin(user) -> bool:
    return has_role(user, Role.PORTAL_ADMIN)


def is_data_office(user) -> bool:
    return has_role(user, Role.DATA_OFFICE, Role.PORTAL_ADMIN)


def is_tech_bar(user) -> bool:
    return has_role(user, Role.TECH_BAR, Role.PORTAL_ADMIN)


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.PORTAL_ADMIN)


def can_view_compliance(user) -> bool:
    """Data Office reviewers see everyone; supervisors see their own team."""
    return is_data_office(user) or is_supervisor(user)


def can_use_admin(user) -> bool:
    """Roles that work in the Django admin (with the "admin access" flag set too): Tech Bar
    counters, Portal admins, and Data Office reviewers for the read-only incidents admin."""
    return has_role(user, Role.TECH_BAR, Role.DATA_OFFICE, Role.PORTAL_ADMIN)


def can_manage_people(user) -> bool:
    """Everything about a person in the admin: contact details, supervisor, roles, the HR import."""
    return has_role(user, Role.PORTAL_ADMIN)


def can_run_the_outbox(user) -> bool:
    """The outbox in the admin (who was emailed what, and why it failed) and resending failed
    email: Portal admins run the portal. Tech Bar staff and the Data Office do not see it."""
    return has_role(user, Role.PORTAL_ADMIN)


def can_export_people(user) -> bool:
    """The staff list as a file (45,000 people's names, emails and units): Portal admins only."""
    return has_role(user, Role.PORTAL_ADMIN)


def entra_id_enabled() -> bool:
    return bool(settings.ENTRA_CLIENT_ID and settings.ENTRA_SERVER_URL)


def may_use_local_password(user) -> bool:
    """With Entra ID on, a local password (sign-in or reset) is only for break-glass accounts, so
    nobody skips Entra ID's MFA. Without it (development, demo) everyone has one."""
    return not entra_id_enabled() or bool(getattr(user, "local_sign_in_allowed", False))


class NotYours(Http404):
    """Someone else's object, asked for by id: answered exactly as a missing one (a plain 404, so
    ids reveal nothing), and recorded as a refused permission by `portal.views.page_not_found`."""


class RoleRequiredMixin(AccessMixin):
    """A view open to users for whom `permission_check(user)` is true.

    Anonymous users are sent to sign-in; signed-in users without the role get a 403, which
    `portal.signals` records as a refused permission.
    """

    permission_check = None  # a predicate from this module, or an app's permissions module

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission_check is not None and not type(self).permission_check(request.user):
            raise PermissionDenied("You do not have the role this page needs.")
        return super().dispatch(request, *args, **kwargs)


def can_view_dashboards(user) -> bool:
    """Data Office reviewers and Portal admins see everyone's numbers; supervisors their team's."""
    return is_data_office(user) or is_supervisor(user)
