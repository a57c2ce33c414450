"""The readiness check's parts: can this process reach its database, cache and Celery broker, and
has the beat sweep run lately. Each part answers quickly and says what failed, never raises.

`/health/` (liveness) asks only "is this process serving"; `/ready/` asks whether it can do its work,
so a load balancer or an orchestrator takes a process out of service while a dependency is away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import connection

from portal import outbox, timers

# Every probe gives up after this long: a readiness check that hangs is a failed one.
TIMEOUT_SECONDS = 2.0
# The beat sweep runs every minute; three missed in a row means beat (or the cron job) has stopped.
SWEEP_MAX_AGE = timedelta(minutes=3)
_PROBE_KEY = "kitbag:ready:probe"


@dataclass(frozen=True)
class Part:
    name: str
    ok: bool
    detail: str


def _failure(exc: BaseException) -> str:
    # The exception's class, not its text: the answer is public and texts can name hosts.
    return f"unreachable ({type(exc).__name__})"


def check_database() -> Part:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Part("database", False, _failure(exc))
    return Part("database", True, "ok")


def check_cache() -> Part:
    try:
        cache.set(_PROBE_KEY, "1", timeout=30)
        if cache.get(_PROBE_KEY) != "1":
            return Part("cache", False, "wrote a value and read back something else")
    except Exception as exc:
        return Part("cache", False, _failure(exc))
    return Part("cache", True, "ok")


def check_broker() -> Part:
    from portal.celery import app

    try:
        with app.connection_for_write(connect_timeout=TIMEOUT_SECONDS) as conn:
            # One try, bounded in time: kombu's default retries for ever.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS)
    except Exception as exc:
        return Part("broker", False, _failure(exc))
    return Part("broker", True, "ok")


def check_sweep() -> Part:
    try:
        last = timers.last_sweep_at()
        now = timers.current_time()
    except Exception as exc:
        return Part("sweep", False, _failure(exc))
    if last is None:
        return Part("sweep", False, "has not run (is Celery beat, or the sweep_timers cron job, running?)")
    seconds = max(int((now - last).total_seconds()), 0)
    if now - last > SWEEP_MAX_AGE:
        return Part("sweep", False, f"last ran {seconds} s ago, over {int(SWEEP_MAX_AGE.total_seconds())} s")
    return Part("sweep", True, f"last ran {seconds} s ago")


# Mail queued this long is reported as overdue (a sweep runs every minute, retries back off).
OUTBOX_OVERDUE = timedelta(minutes=5)


def outbox_backlog() -> dict:
    """The mail backlog, reported by /ready/ but never failing it: a web process taken out of
    service, or restarted, mends no mail server, and officers must still reach the portal to
    report an incident while mail is down. `manage.py timers` exits 2 on it for monitoring."""
    try:
        backlog = outbox.outbox_backlog(overdue_after=OUTBOX_OVERDUE)
    except Exception as exc:
        return {"error": _failure(exc)}
    hours = int(outbox.FAILED_WINDOW.total_seconds() // 3600)
    return {"queued": backlog.queued, "queued_overdue": backlog.overdue, f"failed_last_{hours}h": backlog.failed}


def check_all() -> list[Part]:
    return [check_database(), check_cache(), check_broker(), check_sweep()]
