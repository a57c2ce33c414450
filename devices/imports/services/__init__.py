"""The import services, every public name re-exported here:
- files: a file of devices from the MDM inventory imported all or nothing;
- jobs: large files checked and imported by a Celery worker, with their progress.
"""

from devices.imports.services.files import DeviceImportReport, devices_import, devices_upsert
from devices.imports.services.jobs import (
    device_import_job_confirm,
    device_import_job_progress,
    device_import_job_run,
    device_import_job_start,
)

__all__ = [
    "DeviceImportReport",
    "device_import_job_confirm",
    "device_import_job_progress",
    "device_import_job_run",
    "device_import_job_start",
    "devices_import",
    "devices_upsert",
]
