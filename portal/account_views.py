"""The own-password pages (allauth's set/change, the admin's change) for those who may have a local
password only: with Entra ID on, everyone else's password lives in Entra ID (portal.permissions)."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect

from portal.permissions import may_use_local_password

ENTRA_ONLY = "Your account signs in through Entra ID: change your password there, not in Kitbag."


def local_password_only(view, *, back_to: str = "portal:home"):
    """Wraps a password set/change view: a signed-in person without a local password is sent
    `back_to` with a message; anyone else gets the view as it is."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not may_use_local_password(request.user):
            messages.info(request, ENTRA_ONLY)
            return redirect(back_to)
        return view(request, *args, **kwargs)

    return wrapped
