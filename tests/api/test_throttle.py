"""The per-token rate limit holds when many requests arrive at once: a token's count is one atomic
counter in the shared cache, never a list read and written back by each request."""

import random
import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches

from api.models import ApiToken
from api.throttling import ApiTokenRateThrottle

RATE, CONCURRENT = 120, 140


def _slow_reads(monkeypatch):
    """A cache that takes a moment to answer a read (a busy Redis, a network hop): the window in
    which two requests each read the count before either writes it back."""
    backend = type(caches["default"])
    real_get = backend.get

    def slow_get(self, *args, **kwargs):
        value = real_get(self, *args, **kwargs)
        time.sleep(0.002)
        return value

    monkeypatch.setattr(backend, "get", slow_get)


def _allowed_at_once(token: ApiToken) -> int:
    request = SimpleNamespace(auth=token)
    start = threading.Barrier(CONCURRENT)
    allowed = []

    def one():
        start.wait()
        if ApiTokenRateThrottle().allow_request(request, view=None):
            allowed.append(1)

    threads = [threading.Thread(target=one) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(allowed)


def _concurrent_requests_stop_at_the_rate(settings, monkeypatch):
    settings.KITBAG_API_RATES = {"mdm": f"{RATE}/min", "hr": f"{RATE}/min", "read": f"{RATE}/min"}
    _slow_reads(monkeypatch)
    token = ApiToken(pk=random.randrange(10**9), scope="mdm")  # a count of its own (Redis is not cleared)
    assert _allowed_at_once(token) == RATE
    # and the next one is refused with a wait that ends with the window
    throttle = ApiTokenRateThrottle()
    assert not throttle.allow_request(SimpleNamespace(auth=token), view=None)
    assert 0 < throttle.wait() <= 60


def test_concurrent_requests_stop_at_the_rate_in_memory(settings, monkeypatch):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-test"},
    }
    _concurrent_requests_stop_at_the_rate(settings, monkeypatch)


@pytest.mark.redis
def test_concurrent_requests_stop_at_the_rate_in_redis(settings, monkeypatch):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": "throttle-test",
        },
    }
    _concurrent_requests_stop_at_the_rate(settings, monkeypatch)
