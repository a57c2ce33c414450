"""allauth adapters: nobody signs themselves up; Entra ID sign-ins are matched to a known person."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied

from portal.models import SecurityEvent, User
from portal.net import client_ip, local_redirect_target
from portal.permissions import may_use_local_password
from portal.services import security_event_record

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "entra_only": "Your account signs in through Entra ID: use the force account button on this page. "
        "Passwords here are only for emergency administrator accounts.",
    }

    def is_open_for_signup(self, request):
        return False  # people arrive from the HR feed

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not may_use_local_password(user):
            # The password was right, so this says nothing a guesser could use.
            security_event_record(
                kind=SecurityEvent.Kind.SIGN_IN_FAILED,
                request=request,
                user=user,
                identifier=str(credentials.get("email") or credentials.get("username") or ""),
                detail="local password refused: this account signs in through Entra ID",
            )
            raise self.validation_error("entra_only")
        return user

    def is_safe_url(self, url):
        """`next=` after sign-in and sign-out: this host only (allauth's own also trusts every
        ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS entry and plain http)."""
        from allauth.core import context

        return bool(local_redirect_target(context.request, url))

    def send_password_reset_mail(self, user, email, context):
        if not may_use_local_password(user):
            # The reset page says the same for every address; only the security log knows.
            logger.info("password reset not sent: user=%s signs in through Entra ID", user.pk)
            return None
        return super().send_password_reset_mail(user, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """The per-account failed sign-in limit counts the account, whichever identifier was typed
        (payroll number or email, any case). An identifier that matches nobody is counted as typed,
        so guessing is limited too. allauth's own key is the typed text; this is its one hook."""
        login = str(credentials.get("email") or credentials.get("username") or "").strip()
        if "@" in login:
            person = User.objects.filter(email__iexact=login).values_list("pk", flat=True).first()
        else:
            person = User.objects.filter(payroll_number__iexact=login).values_list("pk", flat=True).first()
        return f"person:{person}" if person is not None else f"unknown:{login.lower()}"

    def get_client_ip(self, request):
        """The address the per-address sign-in limits count: the client's, not the proxy's."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False  # an Entra ID account that matches nobody in the HR feed is refused

    def pre_social_login(self, request, sociallogin):
        """Connect a first Entra ID sign-in to the person with that payroll number or email."""
        if sociallogin.is_existing:
            return
        data = sociallogin.account.extra_data or {}
        # allauth keeps the ID token's and the userinfo endpoint's claims apart; either may carry them.
        claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})} or data
        person = self.find_person(claims)
        if person is not None:
            sociallogin.connect(request, person)

    @staticmethod
    def find_person(claims: dict) -> User | None:
        people = User.objects.filter(is_active=True)
        payroll = str(claims.get(settings.ENTRA_PAYROLL_CLAIM) or "").strip().upper()
        if payroll:
            person = people.filter(payroll_number=payroll).first()
            if person is not None:
                return person
        for claim in ("email", "preferred_username", "upn"):
            email = str(claims.get(claim) or "").strip()
            if "@" in email:
                person = people.filter(email__iexact=email).first()
                if person is not None:
                    return person
        logger.warning("Entra ID sign-in matched nobody: sub=%s", claims.get("sub"))
        return None
