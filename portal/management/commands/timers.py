"""`manage.py timers`: the escalation timers' state for an operator or a monitoring check; exits
2 when a step is overdue, that is due longer ago than --overdue-minutes and still not fired."""

from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError

from portal import timers
from portal.localtime import local_time
from portal.timer_status import timers_status


def _when(moment) -> str:
    if moment is None:
        return "none"
    return f"{local_time(moment)} ({moment.astimezone(UTC).strftime('%H:%M')} UTC)"


class Command(BaseCommand):
    help = "Print the escalation steps due, overdue, fired in the last hour and next due; exit 2 if any is overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overdue-minutes",
            type=int,
            default=5,
            help="A pending step due longer ago than this is overdue (default 5: beat sweeps every minute).",
        )

    def handle(self, *args, overdue_minutes, **options):
        if overdue_minutes < 0:
            raise CommandError("--overdue-minutes must be 0 or more.")
        now = timers.current_time()
        rows = timers_status(overdue_after=timedelta(minutes=overdue_minutes), now=now)
        self.stdout.write(f"Timers at {_when(now)}; overdue means due more than {overdue_minutes} min ago.")
        for row in rows:
            self.stdout.write(f"{row.label} (per {row.owner})")
            self.stdout.write(f"  due now:                {row.due_now}")
            self.stdout.write(f"  overdue:                {row.overdue}")
            self.stdout.write(f"  oldest due, not fired:  {_when(row.oldest_due_at)}")
            self.stdout.write(f"  fired in the last hour: {row.fired_last_hour}")
            self.stdout.write(f"  next due:               {_when(row.next_due_at)}")
        overdue = sum(row.overdue for row in rows)
        if overdue:
            raise CommandError(
                f"{overdue} step(s) overdue by more than {overdue_minutes} min: is Celery beat (or the "
                "sweep_timers cron job) running, and a worker?",
                returncode=2,
            )
