"""Bearer tokens for service accounts: `Authorization: Bearer kbt_...`. The only way into the API
(no session authentication: a person's browser session never authenticates it, so no CSRF)."""

import logging

from rest_framework import authentication, exceptions

from api.models import ApiToken, token_hash
from api.services import api_token_touch
from portal.net import client_ip

logger = logging.getLogger(__name__)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as “Authorization: Bearer <token>”.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Unknown or revoked token.") from error
        token = ApiToken.objects.select_related("service_account").filter(key_hash=token_hash(raw)).first()
        if token is None or token.revoked_at is not None:
            # for the SIEM: a leaked token being tried, or a system still using a revoked one
            logger.warning(
                "api token refused: %s prefix=%s ip=%s path=%s",
                "revoked" if token is not None else "unknown",
                raw[:12],
                client_ip(request._request),
                request._request.path,
            )
            raise exceptions.AuthenticationFailed("Unknown or revoked token.")
        api_token_touch(token=token)
        return token.service_account, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="kitbag-api"'
