"""Signal receivers: the security log for sign-ins, and role permissions after each migrate.

Also the portal's own signals, for apps that build on it (the portal imports none of them):
`leaving_date_changed` is sent by `portal.services.person_update`, inside the saving transaction,
whenever the Portal admin's person form, the HR import or the HR API sets, moves or clears a
person's leaving date.
"""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from portal.models import SecurityEvent
from portal.search import may_search
from portal.services import leaving_date_changed, security_event_record

__all__ = ["leaving_date_changed"]  # defined beside its one sender


@receiver(user_logged_in)
def on_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
        may_search(user, session=request.session)  # kept with them: the session is being written
    security_event_record(kind=SecurityEvent.Kind.SIGNED_IN, request=request, user=user, identifier=user.payroll_number)


@receiver(user_logged_out)
def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(
            kind=SecurityEvent.Kind.SIGNED_OUT, request=request, user=user, identifier=user.payroll_number
        )


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("username") or credentials.get("email") or credentials.get("payroll_number") or ""
    security_event_record(kind=SecurityEvent.Kind.SIGN_IN_FAILED, request=request, identifier=str(identifier))
