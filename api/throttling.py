"""Rate limits per token, by its scope: `KITBAG_API_RATES` (settings) says how many per period.

The count is one number per token and period in the shared cache, added and incremented in one
step each (`cache.add`, `cache.incr`: atomic in Redis, which production uses, and in memory), so
requests arriving together cannot each read the same count and all pass. A fixed window: the
count starts again at each period's start."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from api.models import ApiToken


class ApiTokenRateThrottle(BaseThrottle):
    timer = time.time

    def __init__(self):
        self.wait_seconds = None

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # refused by authentication or permissions anyway
        rate = settings.KITBAG_API_RATES.get(token.scope)
        if not rate:
            return True
        allowed, period = SimpleRateThrottle.parse_rate(None, rate)
        now = self.timer()
        window = int(now // period)
        key = f"throttle_api-token_{token.pk}_{period}_{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: this request starts the new count
            cache.add(key, 1, timeout=period + 1)
            count = 1
        if count <= allowed:
            return True
        self.wait_seconds = max((window + 1) * period - now, 1)
        return False

    def wait(self):
        return self.wait_seconds
