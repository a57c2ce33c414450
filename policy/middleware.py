"""The acceptance gate: a signed-in person who is past the grace period for a version they have
not accepted is sent to accept it, wherever they were going, except to the exempt paths
(settings.POLICY_GATE_EXEMPT_PATHS: signing out, the policy pages, help, incident reporting...)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from policy import selectors

# The session's note that its person was up to date with every policy covering them (policy_gate's key).
UP_TO_DATE = "policy.up_to_date"


class PolicyGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Only page loads are gated. A form that was already open when the grace period ran out
        # is let through, so nothing typed into it is lost; the page it leads to is gated. Kit
        # issue checks acceptance itself (devices.core.services), so nothing depends on a POST here.
        if (
            request.method in ("GET", "HEAD")
            and user is not None
            and user.is_authenticated
            and not self.is_exempt(request.path_info)
        ):
            answer = selectors.policy_gate(user=user, passed=request.session.get(UP_TO_DATE))
            if answer.due is not None:
                accept = reverse("policy:accept", kwargs={"slug": answer.due.policy.slug})
                return redirect(f"{accept}?{urlencode({'next': request.get_full_path()})}")
            if answer.up_to_date and request.session.modified and request.session.get(UP_TO_DATE) != answer.key:
                # Kept with the sign-in: the next page loads ask nothing of the database until a
                # new version needs accepting or their roles change (a new key). Noted only when
                # the session is written anyway (here, at the minute's "last seen" touch; and at
                # sign-in, note_up_to_date): a session write of its own costs more than the read.
                request.session[UP_TO_DATE] = answer.key
        return self.get_response(request)

    @staticmethod
    def is_exempt(path: str) -> bool:
        # "/help" as well as "/help/...": the slash is added later, by CommonMiddleware, on a 404.
        return any(
            path.startswith(prefix) or path == prefix.rstrip("/") for prefix in settings.POLICY_GATE_EXEMPT_PATHS
        )


@receiver(user_logged_in, dispatch_uid="policy-gate-note-at-sign-in")
def note_up_to_date(sender, request, user, **kwargs):
    """At sign-in (the session is being written): note whether the person is up to date, so the
    first pages after it read no acknowledgement."""
    session = getattr(request, "session", None)
    if session is None or not user.is_active:
        return
    answer = selectors.policy_gate(user=user)
    if answer.up_to_date:
        session[UP_TO_DATE] = answer.key
    else:
        session.pop(UP_TO_DATE, None)
