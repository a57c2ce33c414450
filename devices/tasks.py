"""Celery tasks for devices: send remote actions to the MDM adapter (each calls one service)."""

from celery import shared_task

from devices.imports.services import jobs as import_jobs
from devices.losses.services import remote
from devices.models import RemoteAction


@shared_task(name="devices.tasks.send_remote_action", ignore_result=True)
def send_remote_action(action_id: int) -> None:
    """Queued after the commit that requested the action."""
    action = RemoteAction.objects.filter(pk=action_id).first()
    if action is not None:
        remote.remote_action_send(action=action)


@shared_task(name="devices.tasks.send_pending_remote_actions", ignore_result=True)
def send_pending_remote_actions() -> int:
    """The safety net (beat): requests whose task was lost with a worker or a broker are sent now."""
    return remote.remote_actions_send_pending()


@shared_task(name="devices.tasks.run_device_import_job", ignore_result=True)
def run_device_import_job(job_id: int) -> None:
    """Queued after the commit that created the job: a large MDM check or import."""
    import_jobs.device_import_job_run(job_id=job_id)


@shared_task(name="devices.tasks.deactivate_leavers", ignore_result=True)
def deactivate_leavers() -> int:
    """Beat: deactivate the people whose leaver case has closed and whose leaving date has come."""
    from devices.leavers.services import leaver_people_deactivate_due

    return leaver_people_deactivate_due()
