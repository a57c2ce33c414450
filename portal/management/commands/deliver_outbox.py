"""`manage.py deliver_outbox`: send queued email, for hosts that run it from cron instead of Celery beat."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from portal import outbox


class Command(BaseCommand):
    help = "Send every queued email that is due (each marked sent only once the mail server accepts it)."

    def handle(self, *args, **options):
        # No worker is assumed here, so nothing else is on its way: take everything due now.
        report = outbox.sweep(overdue_by=timedelta(0))
        self.stdout.write(f"Sent {report.sent} email(s); {len(report.retrying)} to retry; {report.failed} failed.")
