"""The state of the escalation timers, per registered step model, for operators: what is due,
what is overdue (due a while ago and still not fired: beat or the workers have stopped), what
fired lately and what comes next. Read by `manage.py timers`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from portal import timers

FIRED_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class TimerStatus:
    label: str
    owner: str
    due_now: int  # pending and due: the next sweep fires them
    overdue: int  # pending and due for longer than the threshold
    oldest_due_at: datetime | None  # of the pending steps that are due
    fired_last_hour: int
    next_due_at: datetime | None  # of the pending steps not yet due


def timers_status(*, overdue_after: timedelta, now: datetime | None = None) -> list[TimerStatus]:
    """One row per registered step model, one query each; `now` is the timers' clock."""
    now = now or timers.current_time()
    rows = []
    for timer in timers.registered():
        pending = Q(fired_at__isnull=True, cancelled_at__isnull=True)
        figures = timer.model.objects.aggregate(
            due_now=Count("pk", filter=pending & Q(due_at__lte=now)),
            overdue=Count("pk", filter=pending & Q(due_at__lte=now - overdue_after)),
            oldest_due_at=Min("due_at", filter=pending & Q(due_at__lte=now)),
            fired_last_hour=Count("pk", filter=Q(fired_at__gt=now - FIRED_WINDOW, fired_at__lte=now)),
            next_due_at=Min("due_at", filter=pending & Q(due_at__gt=now)),
        )
        rows.append(TimerStatus(label=timer.label, owner=timer.owner_field, **figures))
    return rows
