"""The timers with real Celery workers, beat, Redis and PostgreSQL: the late step on time, and
the fault drills (a worker killed mid-sweep, Redis stopped while steps fall due, concurrent
sweeps). Each step fires exactly once, and none is lost.

The beat period here is BEAT seconds, not production's 60, so "within two beat periods" is
seconds. Skipped (with the reason) unless DATABASE_URL is PostgreSQL and CELERY_BROKER_URL Redis.
"""

import shutil
import threading
import time
from collections import Counter
from datetime import timedelta

import kombu
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from incidents import ladders, services
from incidents.models import Incident, IncidentEvent, IncidentStep
from portal import tasks, timers
from portal.celery import app as celery_app
from portal.models import Notification
from tests.conftest import REQUIRED
from tests.incidents.celery_processes import CELERY, CeleryProcesses, free_port, wait_for

BEAT = 1.0  # seconds between sweeps in these drills (production: 60)

# What each rung of the default report ladder leaves in the notification list, with one
# supervisor and one Data Office reviewer: the reporter; reporter and supervisor; the reviewer;
# the reviewer and the supervisor.
NOTIFICATIONS_PER_STEP = {"reminder_2h": 1, "reminder_6h": 2, "duty_inbox_10h": 1, "late": 2}


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    """Start worker/beat processes in a test; all are stopped (by their ids) when it ends, before
    the database is flushed. Their logs are in tmp_path, and in any timeout's message."""
    broker_url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(broker_url).flushdb()  # this run's own Redis database: no stale messages
    processes = CeleryProcesses(tmp_path, broker_url, sweep_seconds=BEAT)
    yield processes
    processes.stop_all()


def due_steps(*, incidents: int, reporter, due_at) -> list[int]:
    """`incidents` first notifications, each with its four report steps due at `due_at`: rows as
    the services write them, made in bulk so the drills have plenty to fire."""
    aware = timezone.now() - timedelta(hours=1)
    made = Incident.objects.bulk_create(
        Incident(
            reporter=reporter,
            aware_at=aware,
            due_at=aware + ladders.REPORT_DEADLINE,
            summary=f"Drill incident {n}",
            personal_data_involved="no",
            device_involved="no",
        )
        for n in range(incidents)
    )
    steps = IncidentStep.objects.bulk_create(
        IncidentStep(incident=incident, ladder=rung.ladder, step=rung.step, due_at=due_at)
        for incident in made
        for rung in ladders.report_ladder()
    )
    return [step.pk for step in steps]


def fired_count() -> int:
    return IncidentStep.objects.filter(fired_at__isnull=False).count()


def assert_each_fired_step_fired_once() -> None:
    """Every fired step has exactly one timeline entry and exactly its notifications; no entry or
    notification exists for a step that has not fired."""
    fired = dict(IncidentStep.objects.filter(fired_at__isnull=False).values_list("pk", "step"))
    entries = Counter(
        IncidentEvent.objects.filter(kind=IncidentEvent.Kind.STEP_FIRED).values_list("step_id", flat=True)
    )
    assert set(entries) == set(fired), "a timeline entry without its step fired, or the reverse"
    assert set(entries.values()) <= {1}, f"a step with two timeline entries: {entries.most_common(3)}"
    expected = sum(NOTIFICATIONS_PER_STEP[step] for step in fired.values())
    assert Notification.objects.count() == expected


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_fires_the_late_step_once_within_two_beat_periods(celery_processes, reporter, data_office):
    """The issue's drill, at BEAT-second beats: awareness 11 h 59 min ago is one production beat
    period before the deadline, so here it is one BEAT before it."""
    celery_processes.worker()
    celery_processes.beat()
    with_beats_to_spare = timedelta(hours=12) - timedelta(seconds=BEAT)
    incident = services.incident_open(
        reporter=reporter,
        summary="Printed custody records left on a train",
        aware_at=timezone.now() - with_beats_to_spare,
        personal_data_involved="yes",
        device_involved="no",
    )
    late = incident.steps.get(step="late")
    assert late.fired_at is None

    wait_for(
        lambda: IncidentStep.objects.get(pk=late.pk).fired_at,
        timeout=BEAT * 2 + 10,
        message="the late step to fire\n" + celery_processes.logs(),
    )
    late.refresh_from_db()
    assert late.fired_at - late.due_at < timedelta(seconds=2 * BEAT), "not within two beat periods"
    assert late.fired_at >= late.due_at, "fired early"

    # More sweeps come and go: it stays fired once.
    import time

    time.sleep(3 * BEAT)
    incident.refresh_from_db()
    assert incident.is_late
    assert IncidentEvent.objects.filter(step=late).count() == 1
    assert incident.steps.filter(fired_at__isnull=False).count() == 2  # the 10-hour alert at once, then late


@pytest.mark.postgres
@pytest.mark.redis
def test_at_the_production_beat_awareness_11h59m_ago_is_late_once_within_two_beat_periods(
    transactional_db, tmp_path, reporter, data_office
):
    """The issue's drill word for word: the production beat period (60 s), awareness 11 h 59 min
    ago, and the late step fires once, on its due second, within two beat periods of the report."""
    production_beat = 60.0
    broker_url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(broker_url).flushdb()
    processes = CeleryProcesses(tmp_path, broker_url, sweep_seconds=production_beat)
    try:
        processes.worker()
        processes.beat()
        reported = timezone.now()
        incident = services.incident_open(
            reporter=reporter,
            summary="Body-worn video clip posted to a personal WhatsApp group",
            aware_at=reported - timedelta(hours=11, minutes=59),
            personal_data_involved="yes",
            device_involved="no",
        )
        late = incident.steps.get(step="late")
        wait_for(
            lambda: IncidentStep.objects.get(pk=late.pk).fired_at,
            timeout=2 * production_beat + 15,
            message="the late step to fire\n" + processes.logs(),
        )
        late.refresh_from_db()
        assert late.fired_at >= late.due_at, "fired early"
        assert late.fired_at - reported < timedelta(seconds=2 * production_beat), "not within two beat periods"
        assert IncidentEvent.objects.filter(step=late).count() == 1
    finally:
        processes.stop_all()


@pytest.mark.postgres
@pytest.mark.redis
def test_killing_the_worker_mid_sweep_loses_no_step_and_fires_none_twice(celery_processes, reporter, data_office):
    step_ids = due_steps(incidents=200, reporter=reporter, due_at=timezone.now() - timedelta(minutes=1))
    total = len(step_ids)
    worker = celery_processes.worker()
    tasks.timers_sweep.delay()  # one sweep, no beat yet: the kill lands inside it

    fired_before_kill = wait_for(
        lambda: (n := fired_count()) >= 50 and n,
        timeout=60,
        interval=0.02,
        message="the sweep to get going\n" + celery_processes.logs(),
    )
    worker.kill()
    at_kill = fired_count()
    assert fired_before_kill <= at_kill < total, "the sweep finished before the kill; make it longer"
    assert_each_fired_step_fired_once()  # the half-fired step rolled back with its effects

    celery_processes.worker("worker-again")
    celery_processes.beat()
    wait_for(
        lambda: fired_count() == total,
        timeout=120,
        interval=0.25,
        message="every step to fire after the restart\n" + celery_processes.logs(),
    )
    assert_each_fired_step_fired_once()
    assert IncidentStep.objects.filter(cancelled_at__isnull=False).count() == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_steps_falling_due_while_redis_is_down_all_fire_once_when_it_is_back(
    tmp_path, transactional_db, reporter, data_office
):
    """Stop Redis "for a minute" (compressed to seconds), on a Redis of this test's own."""
    _own_redis_or_skip()
    port = free_port()
    processes = CeleryProcesses(tmp_path, f"redis://127.0.0.1:{port}/0", sweep_seconds=BEAT)
    try:
        redis_server = processes.redis(port)
        worker = processes.worker()
        processes.beat()

        now = timezone.now()
        soon = due_steps(incidents=20, reporter=reporter, due_at=now + timedelta(seconds=3))
        later = due_steps(incidents=20, reporter=reporter, due_at=now + timedelta(seconds=7))
        total = len(soon) + len(later)
        # The sweep has handed the first steps countdown tasks (the worker holds them) when Redis goes.
        wait_for(
            lambda: "portal.timers.fire_step[" in processes.logs(),
            timeout=10,
            message="countdown tasks to be handed out\n" + processes.logs(),
        )

        redis_server.kill()
        stopped_at = timezone.now()
        # Both batches fall due while the broker is down; wait until well past the second.
        wait_for(lambda: timezone.now() > now + timedelta(seconds=10), timeout=15, interval=0.2)
        fired_while_down = fired_count()

        restarted_at = timezone.now()
        processes.redis(port)
        # The worker should survive (see the production-worker drill below); should it not,
        # play its process supervisor (systemd Restart=always, Kubernetes).
        if worker.popen.poll() is not None:
            print("the worker exited while Redis was down; restarted it, as its supervisor would")
            processes.worker("worker-restarted")
        wait_for(
            lambda: fired_count() == total,
            timeout=90,
            interval=0.25,
            message="every step to fire once Redis is back\n" + processes.logs(),
        )
        assert_each_fired_step_fired_once()
        # Whatever did not fire in the outage fired after it: a sweep found it (the countdown
        # messages died with the broker).
        assert IncidentStep.objects.filter(fired_at__gte=restarted_at).count() == total - fired_while_down
        assert IncidentStep.objects.filter(pk__in=later, fired_at__gte=restarted_at).exists()
        assert stopped_at < now + timedelta(seconds=7) < restarted_at  # `later` fell due in the outage
    finally:
        processes.stop_all()


def _own_redis_or_skip() -> None:
    if not shutil.which("redis-server"):
        why = "needs the redis-server program to start a throwaway Redis (apt-get install redis-server)"
        if "redis" in REQUIRED:
            pytest.fail(why)
        pytest.skip(why)


@pytest.mark.postgres
@pytest.mark.redis
def test_the_production_worker_survives_a_30_second_redis_outage_while_holding_countdowns(
    tmp_path, transactional_db, reporter, data_office
):
    """Procfile.production's worker (prefork) holds countdown tasks when Redis stops for 30
    seconds. It used to exit ("Unrecoverable error: AttributeError('NoneType' object has no
    attribute 'hostname')", see portal.celery.Consumer); now it reconnects by itself, and every
    step fires exactly once. The Redis stopped here is this test's own, never the machine's."""
    _own_redis_or_skip()
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    # A production-length sweep period: the sweep hands out countdowns for the next minute.
    processes = CeleryProcesses(tmp_path, url, sweep_seconds=60)
    try:
        redis_server = processes.redis(port)
        worker = processes._start("production-worker", [CELERY, "-A", "portal", "worker", "--loglevel=INFO"])
        worker.wait_for_output("ready.")

        now = timezone.now()
        total = len(due_steps(incidents=10, reporter=reporter, due_at=now + timedelta(seconds=12)))
        with kombu.Connection(url) as broker:
            celery_app.send_task("portal.timers.sweep", connection=broker)
        wait_for(
            lambda: worker.output().count("portal.timers.fire_step[") >= total,
            timeout=30,
            message="the worker to hold every countdown\n" + processes.logs(),
        )
        assert fired_count() == 0

        redis_server.kill()
        outage_started = time.monotonic()
        time.sleep(30)  # the countdowns fall due in the outage
        assert worker.popen.poll() is None, "the worker exited in the outage:\n" + worker.output()[-4000:]
        processes.redis(port)
        outage = time.monotonic() - outage_started
        wait_for(
            lambda: worker.output().count("Connected to redis://") >= 2,
            timeout=60,
            message="the worker to reconnect\n" + processes.logs(),
        )
        # The countdowns died with the broker: the next sweep, through the reconnected worker, fires them.
        with kombu.Connection(url) as broker:
            celery_app.send_task("portal.timers.sweep", connection=broker)
        wait_for(
            lambda: fired_count() == total,
            timeout=60,
            interval=0.25,
            message="every step to fire once Redis is back\n" + processes.logs(),
        )
        assert_each_fired_step_fired_once()
        assert worker.popen.poll() is None
        assert "Unrecoverable error" not in worker.output()
        assert outage >= 30
    finally:
        processes.stop_all()


@pytest.mark.postgres
def test_concurrent_sweeps_fire_each_step_once(transactional_db, reporter, data_office):
    """Four sweeps at the same moment, each in its own thread and database connection."""
    total = len(due_steps(incidents=60, reporter=reporter, due_at=timezone.now() - timedelta(seconds=1)))
    start = threading.Barrier(4)
    results, errors = [], []

    def sweep():
        try:
            start.wait()
            results.append(timers.sweep(schedule_ahead=False).fired)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert sum(results) == total == fired_count()
    assert sum(1 for r in results if r) >= 2, f"the sweeps did not overlap: {results}"
    assert_each_fired_step_fired_once()


@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_sweeping_at_once_fire_each_step_once(celery_processes, reporter, data_office):
    total = len(due_steps(incidents=300, reporter=reporter, due_at=timezone.now() - timedelta(seconds=1)))
    first, second = celery_processes.worker("first"), celery_processes.worker("second")
    for _ in range(4):
        tasks.timers_sweep.delay()

    wait_for(
        lambda: fired_count() == total,
        timeout=120,
        interval=0.25,
        message="every step to fire\n" + celery_processes.logs(),
    )
    assert_each_fired_step_fired_once()
    by_first, by_second = (w.output().count("timer step fired") for w in (first, second))
    assert by_first + by_second == total
    assert by_first and by_second, "both workers swept at once"
