"""Portal tasks, and proof that a real Celery worker on a real broker writes to the database."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal import tasks


def _sessions(expired: int, live: int):
    for i in range(expired + live):
        store = SessionStore()
        store["n"] = i
        store.create()
        if i < expired:
            Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(days=1))


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired():
    _sessions(expired=3, live=2)
    assert tasks.clear_expired_sessions() == 3  # the task body, called directly
    assert Session.objects.count() == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_that_writes_to_the_database():
    """celery.contrib.testing.worker: a real worker thread consuming from the real broker."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    _sessions(expired=4, live=1)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        tasks.clear_expired_sessions.delay()
        deadline = timezone.now() + timedelta(seconds=30)
        while Session.objects.count() != 1 and timezone.now() < deadline:
            time.sleep(0.2)
    assert Session.objects.count() == 1
