"""Session timeouts: end a session after a spell of inactivity, and at an absolute limit."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

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
