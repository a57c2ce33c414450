"""Portal housekeeping tasks."""

from celery import shared_task

from portal import services


@shared_task(name="portal.clear_expired_sessions")
def clear_expired_sessions() -> int:
    return services.sessions_clear_expired()
