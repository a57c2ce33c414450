"""The disclosure log: every set of figures given in answer to a Freedom of Information request,
with what was asked, who produced it and when, the figures as published and the SHA-256 of their
CSV. Append-only and chained like the other audited records (portal.audit_chain)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.audit_chain import ChainedRecord
from portal.formats import local_datetime


class FigureDisclosure(ChainedRecord):
    reference = models.CharField(
        "FOI reference", max_length=50, db_index=True, help_text="As the request was logged, e.g. 01.FOI.23.029741."
    )
    as_of = models.DateTimeField("figures as things stood at")
    command_unit = models.CharField(max_length=100, blank=True, help_text="Empty: every command unit.")
    range_start = models.DateTimeField("activity from", null=True, blank=True)
    range_end = models.DateTimeField("activity to (not included)", null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(help_text="Counts from 1 to this less one were held back.")
    models_withheld_reason = models.CharField(
        "make and model withheld because", max_length=500, blank=True, help_text="Empty: the table was given."
    )
    produced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    produced_at = models.DateTimeField(default=timezone.now, db_index=True)
    figures = models.TextField(help_text="The rows as published, as JSON.")
    csv_sha256 = models.CharField("SHA-256 of the CSV", max_length=64)

    class Meta:
        ordering = ["-produced_at", "-pk"]

    def __str__(self):
        return f"{self.reference} as of {local_datetime(self.as_of)}"
