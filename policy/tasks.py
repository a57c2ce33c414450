"""Celery tasks for policies: the daily reminders (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from policy import services


@shared_task(name="policy.tasks.send_policy_reminders")
def send_policy_reminders() -> dict:
    """Daily: remind people who have not accepted, and their supervisors. Safe to repeat."""
    run = services.policy_reminders_send()
    return {"people_reminded": run.people_reminded, "supervisors_reminded": run.supervisors_reminded}
