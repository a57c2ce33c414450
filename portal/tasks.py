"""Celery tasks of the portal shell: the timer sweep, the countdown task it hands out, housekeeping."""

from celery import shared_task

from portal import services, timers


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
