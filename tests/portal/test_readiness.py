"""`/ready/` (and `/readyz`): database, cache and broker reachable, the beat sweep recent; a 503
that names the part that failed. `/health/` stays the plain liveness check."""

import json
import socket
from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from portal import timers
from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def swept():
    timers.sweep(schedule_ahead=False)


@pytest.mark.parametrize("path", ["/ready/", "/readyz"])
def test_ready_when_every_part_answers(client, swept, path):
    response = client.get(path)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "sweep"}
    assert all(part["ok"] for part in body["checks"].values())
    assert response["Cache-Control"] == "no-store"


def test_not_ready_before_any_sweep(client):
    response = client.get("/ready/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["failed"] == ["sweep"]
    assert "has not run" in body["checks"]["sweep"]["detail"]
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_not_ready_when_the_last_sweep_is_over_three_minutes_old(client, swept, fixed_clock):
    fixed_clock.shift(timedelta(minutes=2, seconds=50))
    assert client.get("/ready/").status_code == 200
    fixed_clock.shift(timedelta(seconds=20))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["failed"] == ["sweep"]


def test_the_sweep_command_for_cron_hosts_counts_too(client):
    from django.core.management import call_command

    call_command("sweep_timers")
    assert client.get("/ready/").status_code == 200


def test_readyz_fails_when_the_broker_is_down(client, swept, monkeypatch):
    closed = f"redis://127.0.0.1:{_closed_port()}/10"
    # Celery reads the CELERY_BROKER_URL environment variable before its own settings (and so
    # would monkeypatch, reading the old value to restore): set the setting first.
    monkeypatch.setattr(celery_app.conf, "broker_url", closed)
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    monkeypatch.setattr(celery_app.conf, "broker_transport_options", {})
    response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["detail"].startswith("unreachable")
    assert "127.0.0.1" not in response.content.decode()  # hosts and ports stay private
    # liveness does not depend on the broker
    assert client.get("/health/").status_code == 200


def test_not_ready_when_the_cache_is_down(client, swept, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/10",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/ready/")
    assert response.status_code == 503
    body = json.loads(response.content)
    # the sweep's time lives in the cache too, so it cannot be vouched for either
    assert body["failed"] == ["cache", "sweep"], body
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_a_sweep_with_the_cache_down_still_fires_its_steps(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/10",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    report = timers.sweep(schedule_ahead=False)
    assert report.failed == []
    assert "could not record the sweep's time" in caplog.text


@pytest.mark.redis
def test_ready_against_real_redis_as_broker_and_cache(client, settings):
    assert django_settings.CELERY_BROKER_URL.startswith("redis://")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.CELERY_BROKER_URL}
    }
    timers.sweep(schedule_ahead=False)
    response = client.get("/ready/")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["checks"]["broker"] == {"ok": True, "detail": "ok"}
    assert body["checks"]["cache"] == {"ok": True, "detail": "ok"}
