"""`manage.py timers`: the escalation timers' and the outbox's state for an operator or a monitoring
check; exits 2 when a step is overdue, that is due longer ago than --overdue-minutes and still not
fired, or when email is stuck: queued longer than that, or failed for good in the last 24 hours."""

from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError

from portal import outbox, timers
from portal.localtime import local_time
from portal.timer_status import timers_status


def _when(moment) -> str:
    if moment is None:
        return "none"
    return f"{local_time(moment)} ({moment.astimezone(UTC).strftime('%H:%M')} UTC)"


class Command(BaseCommand):
    help = (
        "Print the escalation steps due, overdue, fired in the last hour and next due, and the mail "
        "backlog; exit 2 if a step is overdue or email is stuck (queued too long, or failed lately)."
    )

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
        hours = int(outbox.FAILED_WINDOW.total_seconds() // 3600)
        mail = outbox.outbox_backlog(overdue_after=timedelta(minutes=overdue_minutes))
        self.stdout.write("Outbox (email)")
        self.stdout.write(f"  queued:                 {mail.queued}")
        self.stdout.write(f"  queued, overdue:        {mail.overdue}")
        self.stdout.write(f"  oldest queued:          {_when(mail.oldest_queued_at)}")
        self.stdout.write(f"  failed, last {hours} h:      {mail.failed}")
        problems = []
        overdue = sum(row.overdue for row in rows)
        if overdue:
            problems.append(
                f"{overdue} step(s) overdue by more than {overdue_minutes} min: is Celery beat (or the "
                "sweep_timers cron job) running, and a worker?"
            )
        if mail.overdue:
            problems.append(
                f"{mail.overdue} email(s) queued for over {overdue_minutes} min: is the mail server up, and "
                "a worker (or the deliver_outbox cron job) running?"
            )
        if mail.failed:
            problems.append(
                f"{mail.failed} email(s) failed in the last {hours} h: see the outbox in the admin "
                "(Portal admins can resend them)."
            )
        if problems:
            raise CommandError(" ".join(problems), returncode=2)
