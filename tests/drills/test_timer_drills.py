"""The timer fault drills, with real Celery worker and beat processes, Redis and
PostgreSQL, on a mixed set of due steps from every ladder the sweep covers (incidents, leavers,
kit requests):

  a. a worker killed (SIGKILL) in the middle of a sweep;
  b. Redis (a private one, on a port of this drill's own) restarted while steps fall due;
  d. two beat processes started by mistake;
  e. a burst of 10,000 due steps, timed until the last one fires.

(c, PostgreSQL stopped during a counter issue, is test_database_outage_drill.py.) Each drill
records its numbers (tests/drills/results.py) before it asserts that every due step fired exactly
once, none was lost, no device is held twice, no acknowledgement was lost and verify_audit passes.
Run with `make drills`; the ordinary runs leave them out.
"""

import os
import shutil
import socket
import time
from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from portal import tasks
from tests.drills.conftest import BEAT
from tests.drills.ladders import fired_count, make_due_steps, outcome
from tests.drills.results import record
from tests.incidents.celery_processes import CeleryProcesses, wait_for

pytestmark = pytest.mark.drill

BURST = int(os.environ.get("KITBAG_DRILL_BURST", "10000"))
BURST_TIMEOUT = float(os.environ.get("KITBAG_DRILL_BURST_TIMEOUT", "900"))


def _finish(name: str, due, processes, acknowledgements: int, started: float, **notes) -> None:
    """Record the drill's numbers, then hold it to them."""
    result = outcome(due, logs=processes.outputs(), acknowledgements_before=acknowledgements)
    record(name, seconds=time.monotonic() - started, **result.numbers(), **notes)
    result.assert_clean(processes.logs())


def _private_redis_port() -> int:
    """A free port from 6390 up: the restart drill's own Redis, never the machine's 6379."""
    if not shutil.which("redis-server"):
        pytest.fail("the drill needs the redis-server program (apt-get install redis-server)")
    for port in range(6390, 6400):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no free port in 6390-6399 for the drill's own Redis")


def test_a_worker_killed_mid_sweep_over_every_ladder(drill_processes, reporter, acknowledgements):
    started = time.monotonic()
    due = make_due_steps(count=600, due_at=timezone.now() - timedelta(minutes=1), reporter=reporter)
    worker = drill_processes.worker()
    tasks.timers_sweep.delay()  # one sweep, no beat yet: the kill lands inside it
    # The sweep takes the ladders in turn: kill it past the first, so the next sweep finds a
    # half-swept second ladder and an untouched third.
    wait_for(
        lambda: fired_count(due) >= due.total * 0.45,
        timeout=180,
        interval=0.02,
        message="the sweep to get going\n" + drill_processes.logs(),
    )
    worker.kill()
    at_kill = fired_count(due)
    assert at_kill < due.total, "the sweep finished before the kill; make it longer"

    drill_processes.worker("worker-again")
    drill_processes.beat()
    wait_for(lambda: fired_count(due) == due.total, timeout=300, interval=0.5, message="every step to fire")
    _finish("a. worker killed mid-sweep", due, drill_processes, acknowledgements, started, fired_at_kill=at_kill)


def test_redis_restarted_while_steps_fall_due(tmp_path, transactional_db, reporter, acknowledgements):
    port = _private_redis_port()
    processes = CeleryProcesses(tmp_path, f"redis://127.0.0.1:{port}/0", sweep_seconds=BEAT)
    started = time.monotonic()
    try:
        redis_server = processes.redis(port)
        worker = processes.worker()
        processes.beat()
        now = timezone.now()
        due = make_due_steps(count=150, due_at=now + timedelta(seconds=3), reporter=reporter)
        due += make_due_steps(count=150, due_at=now + timedelta(seconds=7), reporter=reporter)
        wait_for(
            lambda: "portal.timers.fire_step[" in processes.logs(),
            timeout=15,
            message="countdown tasks to be handed out\n" + processes.logs(),
        )
        redis_server.kill()
        down_at = time.monotonic()
        # Both batches fall due while the broker is down.
        wait_for(lambda: timezone.now() > now + timedelta(seconds=10), timeout=20, interval=0.2)
        processes.redis(port)
        outage = time.monotonic() - down_at
        restarted_worker = worker.popen.poll() is not None
        if restarted_worker:  # as its supervisor (systemd, Kubernetes) would
            processes.worker("worker-restarted")
        wait_for(lambda: fired_count(due) == due.total, timeout=180, interval=0.5, message="every step to fire")
        _finish(
            "b. Redis restarted while steps fall due",
            due,
            processes,
            acknowledgements,
            started,
            redis_outage_seconds=round(outage, 1),
            worker_restarted=restarted_worker,
        )
    finally:
        processes.stop_all()


def test_two_beats_started_by_mistake(drill_processes, reporter, acknowledgements):
    started = time.monotonic()
    now = timezone.now()
    due = make_due_steps(count=300, due_at=now - timedelta(seconds=1), reporter=reporter)
    due += make_due_steps(count=150, due_at=now + timedelta(seconds=4), reporter=reporter)  # countdowns, twice over
    drill_processes.worker("first")
    drill_processes.worker("second")
    first, second = drill_processes.beat("beat-one"), drill_processes.beat("beat-two")
    wait_for(lambda: fired_count(due) == due.total, timeout=300, interval=0.5, message="every step to fire")
    time.sleep(4 * BEAT)  # more sweeps from both beats: still once each
    sent = [b.output().count("Sending due task") for b in (first, second)]
    assert all(sent), f"both beats sent sweeps: {sent}"
    _finish("d. two beats", due, drill_processes, acknowledgements, started, sweeps_sent_by_each_beat=sent)


def test_a_burst_of_due_steps_across_every_ladder(drill_processes, reporter, acknowledgements):
    due = make_due_steps(count=BURST, due_at=timezone.now() - timedelta(seconds=1), reporter=reporter)
    drill_processes.worker("first")
    drill_processes.worker("second")
    started, started_at = time.monotonic(), timezone.now()
    drill_processes.beat()
    try:
        wait_for(lambda: fired_count(due) == due.total, timeout=BURST_TIMEOUT, interval=1, message="every step to fire")
    finally:
        # From the beat's start to the last step fired (the database's fired_at, not the polling).
        last = {
            model._meta.model_name: model.objects.filter(pk__in=pks).aggregate(last=Max("fired_at"))["last"]
            for model, pks in due.model_ids()
        }
        fired_last = [moment for moment in last.values() if moment]
        seconds = (max(fired_last) - started_at).total_seconds() if fired_last else time.monotonic() - started
        result = outcome(due, logs=drill_processes.outputs(), acknowledgements_before=acknowledgements)
        record(
            f"e. burst of {due.total} due steps",
            seconds=seconds,
            **result.numbers(),
            steps_per_second=round(result.fired / seconds, 1) if seconds else 0,
            workers=2,
            **{f"{name}_done_after_s": round((m - started_at).total_seconds(), 1) for name, m in last.items() if m},
        )
    result.assert_clean()
