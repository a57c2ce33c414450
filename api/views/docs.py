"""Who reads the API's schema and docs: Portal admins, signed in to the portal, and token holders."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.authentication import get_authorization_header

from api.permissions import can_manage_api_tokens


def for_admins_and_token_holders(view):
    """A request with a token goes to the view, whose own authentication and `ReadsTheDocs`
    (SPECTACULAR_SETTINGS) judge it (401 for a bad token); without one, a person who is not signed in
    is sent to sign in and a signed-in person who is not a Portal admin is refused (403)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not get_authorization_header(request):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_manage_api_tokens(request.user):
                raise PermissionDenied("The API's docs are for Portal admins and token holders.")
            # DRF replaces request.user with the API's own (anonymous without a token): keep the admin
            request.portal_admin = request.user
        return view(request, *args, **kwargs)

    return guarded
