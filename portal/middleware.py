"""Session timeouts (end a session after a spell of inactivity, and at an absolute limit), the
audit log's view of who is asking from where, and the request and user ids in every log line."""

import time

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers

from portal.logging import request_id_from, request_id_var, user_id_var
from portal.net import client_ip
from portal.services import security_event_record

SIGNED_IN_AT = "kitbag_signed_in_at"
LAST_SEEN_AT = "kitbag_last_seen_at"
# Write the session at most this often just to move "last seen" on: saves a write per request.
_TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT, now)
            last_seen_at = request.session.get(LAST_SEEN_AT, now)
            reason = None
            if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "absolute"
            elif now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            if reason:
                user = request.user
                logout(request)
                security_event_record(kind="session_expired", request=request, user=user, detail=f"{reason} timeout")
                messages.info(request, "You were signed out because your session timed out. Please sign in again.")
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SIGNED_IN_AT, now)
            if now - last_seen_at >= _TOUCH_EVERY or LAST_SEEN_AT not in request.session:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware trusts the left-most X-Forwarded-For entry whenever the header
    is present, whatever the settings say: a client could write any address, or a non-address that
    PostgreSQL's inet column refuses. The audit log records the address every other record does."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)


class NoStoreMiddleware:
    """Every response to a signed-in person (a session or an API token), and every page under
    settings.NO_STORE_PATHS, is never kept by the browser's cache or a proxy, so Back after
    sign-out or a shared terminal shows nothing: My kit, receipts, device lists, leaver cases and
    every export carry people's personal data. Paths under settings.NO_STORE_EXEMPT_PATHS
    (static files, the same for everyone) may be cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(tuple(settings.NO_STORE_EXEMPT_PATHS)):
            return self.get_response(request)
        # Asked before the view and after it: a DRF view replaces the session's user with its
        # token's (anonymous when there is no token), even on pages a session may open.
        signed_in = _authenticated(request)
        response = self.get_response(request)
        if signed_in or _authenticated(request) or path.startswith(tuple(settings.NO_STORE_PATHS)):
            add_never_cache_headers(response)
        return response


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class RequestIdMiddleware:
    """First in the list: every request gets an id, the proxy's X-Request-ID when it is a sensible
    token or a new one, that every log line of the request carries and the response repeats, so a
    line in the log, a proxy's access log and a user's error report can be matched up."""

    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(self.header))
        request_id_var.set(request.request_id)
        user_id_var.set(None)
        response = self.get_response(request)
        response[self.header] = request.request_id
        return response


class RequestUserMiddleware:
    """Right after authentication: the signed-in user's id (the database key, not their name or
    payroll number) goes on every log line of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user_id_var.set(request.user.pk if request.user.is_authenticated else None)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Every response says Permissions-Policy: the browser features in settings.PERMISSIONS_POLICY
    are allowed only to the origins listed (none: off), so an injected script cannot ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
