"""Celery tasks of the portal shell: the timer sweep, the countdown task it hands out, email
delivery from the outbox, housekeeping."""

from celery import shared_task
from django.utils import timezone

from portal import exports, outbox, services, timers


@shared_task(name="portal.timers.sweep", ignore_result=True)
def timers_sweep() -> None:
    """Beat runs this every TIMER_SWEEP_SECONDS: fire every due step, schedule the next few."""
    timers.sweep()


@shared_task(name="portal.timers.fire_step", bind=True, ignore_result=True, max_retries=3)
def timers_fire_step(self, label: str, pk: int) -> None:
    """Fire one step on its second. Arriving early (clocks differ by a little) it waits the
    difference; finding its owner busy, it tries again in a second. The sweep is the safety net
    whatever happens to this message."""
    result = timers.fire(label, pk)
    if result.outcome is timers.Outcome.NOT_DUE and result.seconds_early <= timers.sweep_period().total_seconds():
        raise self.retry(countdown=result.seconds_early)
    if result.outcome is timers.Outcome.BUSY:
        raise self.retry(countdown=1)


@shared_task(name="portal.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions() -> int:
    return services.sessions_clear_expired()


@shared_task(name="portal.outbox.deliver", bind=True, ignore_result=True, max_retries=None)
def outbox_deliver(self, ids: list[int]) -> None:
    """Send these outbox rows over one connection. Those the mail server did not take are tried
    again after a doubling wait; once they fail for good, or this message is lost, the rows say
    so and the sweep has the rest."""
    report = outbox.deliver(ids=ids)
    if report.retrying and self.request.retries < outbox.max_attempts():
        wait = max((report.next_attempt_at - timezone.now()).total_seconds(), 1.0)
        raise self.retry(args=[report.retrying], countdown=wait)


@shared_task(name="portal.outbox.sweep", ignore_result=True)
def outbox_sweep() -> None:
    """Beat runs this every OUTBOX_SWEEP_SECONDS: deliver queued email whose task was lost."""
    outbox.sweep()


@shared_task(name="portal.exports.xlsx", ignore_result=True)
def export_xlsx_run(job_id: str) -> None:
    """Write one large XLSX export (portal.exports) for its requester to download."""
    exports.export_job_run(job_id)


@shared_task(name="portal.exports.clear_expired", ignore_result=True)
def exports_clear_expired() -> int:
    return exports.export_jobs_clear_expired()
