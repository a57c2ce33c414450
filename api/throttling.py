"""Rate limits per token, by its scope: `KITBAG_API_RATES` (settings) says how many per period."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = "api-token"

    def get_rate(self):
        return None  # read per request in allow_request, from the token's scope

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # refused by authentication or permissions anyway
        self.rate = settings.KITBAG_API_RATES.get(token.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
