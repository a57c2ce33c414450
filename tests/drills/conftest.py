"""Fixtures for the fault drills: real worker and beat processes on this run's broker, the people
the ladders need, and acknowledgements on record before the drill (none may be lost)."""

import pytest
import redis
from django.conf import settings

from policy.models import Acknowledgement
from portal.models import Role
from tests.factories import UserFactory
from tests.incidents.celery_processes import CeleryProcesses
from tests.policy.factories import accept, published_version

BEAT = 1.0  # seconds between sweeps in the drills (production: 60)


@pytest.fixture
def drill_processes(transactional_db, tmp_path):
    """Workers and beats on this run's Redis database (emptied first); all are stopped, by their
    ids, when the drill ends, before the database is flushed."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    processes = CeleryProcesses(tmp_path, settings.CELERY_BROKER_URL, sweep_seconds=BEAT)
    yield processes
    processes.stop_all()


@pytest.fixture
def reporter(transactional_db):
    supervisor = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], rank_or_grade="Sergeant")
    UserFactory(roles=[Role.DATA_OFFICE], is_staff=True)
    return UserFactory(supervisor=supervisor)


@pytest.fixture
def acknowledgements(transactional_db) -> int:
    """A few people's acceptances of the conditions of use, on record before the drill starts."""
    version = published_version(by=UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True))
    for _ in range(5):
        accept(UserFactory(), version)
    return Acknowledgement.objects.count()
