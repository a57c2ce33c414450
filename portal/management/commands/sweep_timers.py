"""`manage.py sweep_timers`: the beat sweep for hosts that run it from cron instead of Celery beat."""

from django.core.management.base import BaseCommand

from portal import timers


class Command(BaseCommand):
    help = "Fire every escalation step that is due and has not fired (each fires exactly once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule-ahead",
            action="store_true",
            help="Also queue countdown tasks for steps due before the next sweep (needs a Celery worker).",
        )

    def handle(self, *args, schedule_ahead=False, **options):
        report = timers.sweep(schedule_ahead=schedule_ahead)
        self.stdout.write(f"Fired {report.fired} step(s); scheduled {report.scheduled}; failed {len(report.failed)}.")
        if report.failed:
            for label, pk in report.failed:
                self.stderr.write(f"failed: {label} {pk} (left for the next sweep)")
