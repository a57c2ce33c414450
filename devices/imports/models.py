"""A large MDM import run by a Celery worker (`devices.imports.services.jobs`): who started it, the file, its
state and its result. Re-exported by `devices.models`.

The rows done while it runs are in the cache, not here: the import is one transaction, and a row
written inside it would not be seen by the page polling it until the very end (see
`devices.imports.services.jobs`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeviceImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    # The uploaded CSV (at most devices.imports.resources.MAX_BYTES). Emptied once the import has run:
    # the devices and their events are the record, not the file.
    data = models.BinaryField(editable=False)
    tech_bar = models.ForeignKey("devices.TechBar", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A check (dry run) comes first; confirming a check that passed starts the import itself, which
    # points back at that check.
    dry_run = models.BooleanField(default=True)
    checked_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # ["line 4: IMEI: ...", ...]
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "device import"
        indexes = [models.Index(fields=["actor", "-created_at"], name="devices_import_job_actor")]

    def __str__(self):
        kind = "check" if self.dry_run else "import"
        return f"MDM {kind} of {self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
