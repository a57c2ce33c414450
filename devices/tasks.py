"""Celery tasks for devices: send remote actions to the MDM adapter (each calls one service).

The two tasks that services queue after their commit live beside those services (a service
importing this module would import every capability through it); they are named here too."""

from celery import shared_task

from devices.imports.services.jobs import run_device_import_job
from devices.leavers.services import leaver_people_deactivate_due
from devices.losses.services import remote
from devices.losses.services.remote import send_remote_action

__all__ = ["deactivate_leavers", "run_device_import_job", "send_pending_remote_actions", "send_remote_action"]


@shared_task(name="devices.tasks.send_pending_remote_actions", ignore_result=True)
def send_pending_remote_actions() -> int:
    """The safety net (beat): requests whose task was lost with a worker or a broker are sent now."""
    return remote.remote_actions_send_pending()


@shared_task(name="devices.tasks.deactivate_leavers", ignore_result=True)
def deactivate_leavers() -> int:
    """Beat: deactivate the people whose leaver case has closed and whose leaving date has come."""
    return leaver_people_deactivate_due()
