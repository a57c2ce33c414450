"""Scope checks: a token may use only the endpoints of its scope. Each view names its scope."""

from rest_framework.permissions import BasePermission

from api.models import ApiToken
from portal.permissions import is_portal_admin


def token_has_scope(token, scope: str) -> bool:
    return isinstance(token, ApiToken) and token.revoked_at is None and token.scope == scope


class HasTokenScope(BasePermission):
    """The view's `required_scope` ("mdm", "hr" or "read") must be the token's."""

    message = "This token's scope does not allow this endpoint."

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return False
        return token_has_scope(request.auth, view.required_scope)


class ReadsTheDocs(BasePermission):
    """The schema and its docs: any valid token (whatever its scope), or a Portal admin's session.
    (The session is the portal's own, vouched for by api.views.docs: it never authenticates the API.)"""

    message = "The API's docs are for Portal admins and token holders."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken):
            return request.auth.revoked_at is None
        return can_manage_api_tokens(getattr(request._request, "portal_admin", None))


def can_manage_api_tokens(user) -> bool:
    """Creating and revoking service accounts' tokens: Portal admins only."""
    return is_portal_admin(user)
