"""Celery tasks of the portal shell: the timer sweep and the countdown task it hands out."""

from celery import shared_task

from portal import timers


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
