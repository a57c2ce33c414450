"""The acceptance gate: a signed-in person who is past the grace period for a version they have
not accepted is sent to accept it, wherever they were going, except to the exempt paths
(settings.POLICY_GATE_EXEMPT_PATHS: signing out, the policy pages, help, incident reporting...)."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from policy import selectors


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
            version = selectors.policy_version_due(user=user)
            if version is not None:
                accept = reverse("policy:accept", kwargs={"slug": version.policy.slug})
                return redirect(f"{accept}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def is_exempt(path: str) -> bool:
        # "/help" as well as "/help/...": the slash is added later, by CommonMiddleware, on a 404.
        return any(
            path.startswith(prefix) or path == prefix.rstrip("/") for prefix in settings.POLICY_GATE_EXEMPT_PATHS
        )
