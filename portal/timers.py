"""Deadlines that the database remembers and Celery keeps: escalation steps fired exactly once.

An app stores each step of a deadline's escalation ladder as a row (a concrete subclass of
`TimerStep`) and registers the model with `register(...)`, naming the owner (the incident, the
leaver case) and the function that carries the step out. One beat task, `sweep()`, then covers
every registered model: it fires each step that is due, and gives each step falling due before
the next sweep a short countdown task so that it fires on its second. Nothing is ever scheduled
hours ahead: the rows are the schedule, so a dead worker or a restarted broker loses nothing.

Firing is one transaction: lock the owner row, then the step row (both `skip_locked` on
PostgreSQL: a locked one is someone else's business for now), set `fired_at` only where it is
still null, then carry the step out. If the process dies half-way the transaction rolls back and
the next sweep fires the step; if two workers race, the conditional update lets exactly one of
them through. Services that cancel an owner's steps lock the owner row first too, so firing and
cancelling are never interleaved, and firing never waits for a lock, so they never deadlock.

The sweep fires its due steps FIRE_BATCH at a time (`_fire_batch`): one transaction that takes
the same locks in the same order for the whole batch, so the batch shares one commit and one lock
on each hash-chained table. Should any step of it fail, the batch rolls back and its steps are
fired one transaction each, as above, so that the failing one alone waits for the next sweep.

Due times are compared against the database's clock (`Now()`), so web and worker hosts with
drifting clocks agree. Tests that move time with time-machine set `TIMER_CLOCK = "application"`.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.functions import Now
from django.utils import timezone

from portal import outbox
from portal.timer_keys import owner_key

logger = logging.getLogger(__name__)


class TimerStep(models.Model):
    """One step of an escalation ladder. The concrete model adds the owner foreign key, and a
    `UniqueConstraint` on (owner, step), extending `TimerStep.Meta.constraints`."""

    step = models.CharField(max_length=50, help_text="Which rung of the ladder, e.g. reminder_2h.")
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fired_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="%(app_label)s_%(class)s_fired_or_cancelled",
                violation_error_message="A step is either fired or cancelled, never both.",
            ),
        ]
        indexes = [
            # The sweep's question, "which pending steps are due", reads only this small index.
            models.Index(
                fields=["due_at"],
                condition=models.Q(fired_at__isnull=True, cancelled_at__isnull=True),
                name="%(app_label)s_%(class)s_due",
            ),
        ]


def describe_actions(actions, names: dict[str, str]) -> str:
    """A ladder rung's actions as one sentence for pages and the admin: "Remind the reporter and
    tell the Data Office". Each ladder (incidents, leavers) names its own actions."""
    words = [names.get(action, action) for action in actions]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Timer:
    """A registered step model: whose steps they are and what firing one does."""

    model: type[TimerStep]
    owner_field: str
    fire: Callable[[TimerStep], None]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def owner_model(self) -> type[models.Model]:
        return self.model._meta.get_field(self.owner_field).related_model


_registry: dict[str, Timer] = {}


def register(model: type[TimerStep], *, owner_field: str, fire: Callable[[TimerStep], None]) -> None:
    """Put a step model under the sweep. Call from the app's AppConfig.ready().

    `fire(step)` runs inside the firing transaction with the owner and the step locked and
    `step.fired_at` already set; whatever it writes commits or rolls back with the step.
    """
    _registry[model._meta.label] = Timer(model=model, owner_field=owner_field, fire=fire)


def registered() -> list[Timer]:
    return list(_registry.values())


def timer_for(label: str) -> Timer:
    return _registry[label]


# --- The clock ------------------------------------------------------------------------------
def clock() -> models.Expression:
    """The "now" that due times are compared with, as a query expression."""
    if getattr(settings, "TIMER_CLOCK", "database") == "application":
        return models.Value(timezone.now(), output_field=models.DateTimeField())
    return Now()


def current_time() -> datetime:
    """The clock's reading as an aware datetime: the database server's time by default."""
    if getattr(settings, "TIMER_CLOCK", "database") == "application":
        return timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT STATEMENT_TIMESTAMP()")
            return cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # SQLite's clock, in UTC, to the millisecond: the same reading Now() gives in a query.
            cursor.execute("SELECT STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')")
            return datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=UTC)
        cursor.execute("SELECT CURRENT_TIMESTAMP")
        value = cursor.fetchone()[0]
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _pending(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.filter(fired_at__isnull=True, cancelled_at__isnull=True)


# --- Firing ---------------------------------------------------------------------------------
class Outcome(enum.Enum):
    FIRED = "fired"  # this call fired the step
    NOT_DUE = "not_due"  # pending, but its time has not come (an early countdown task)
    BUSY = "busy"  # its owner is locked by another worker or a service: try again shortly
    GONE = "gone"  # fired or cancelled already, or deleted


@dataclass(frozen=True)
class FireResult:
    outcome: Outcome
    seconds_early: float = 0.0


def fire(label: str, pk: int) -> FireResult:
    """Fire one step if it is due and still pending. Safe to call any number of times, from any
    number of workers at once: the step fires once."""
    timer = timer_for(label)
    model = timer.model
    owner_id = model.objects.filter(pk=pk).values_list(f"{timer.owner_field}_id", flat=True).first()
    if owner_id is None:
        return FireResult(Outcome.GONE)
    with transaction.atomic():
        # Owner first, then step: the order every service that cancels steps also uses. A locked
        # owner means another worker is firing one of its steps, or a service is changing it:
        # rather than queue behind it, say so and let the caller come back.
        owner = timer.owner_model.objects.select_for_update(skip_locked=True).filter(pk=owner_id)
        if not list(owner.values_list("pk", flat=True)):
            return FireResult(Outcome.BUSY)
        step = _pending(model.objects.select_for_update(skip_locked=True).filter(pk=pk)).annotate(_now=clock()).first()
        if step is None:
            return FireResult(Outcome.GONE)
        if step.due_at > step._now:
            return FireResult(Outcome.NOT_DUE, seconds_early=(step.due_at - step._now).total_seconds())
        if _pending(model.objects.filter(pk=pk)).update(fired_at=clock()) != 1:
            return FireResult(Outcome.GONE)
        step.refresh_from_db(fields=["fired_at"])
        timer.fire(step)
    logger.info("timer step fired: %s %s %s (due %s)", label, pk, step.step, step.due_at.isoformat())
    return FireResult(Outcome.FIRED)


def fire_due(queryset: models.QuerySet) -> int:
    """Fire whichever steps in `queryset` are due now (a service catching up before it cancels
    the rest). Returns how many this call fired."""
    label = queryset.model._meta.label
    due = _pending(queryset).filter(due_at__lte=clock()).order_by("due_at", "pk").values_list("pk", flat=True)
    return sum(fire(label, pk).outcome is Outcome.FIRED for pk in list(due))


def cancel(queryset: models.QuerySet, *, reason: str) -> int:
    """Cancel the pending steps in `queryset`. Lock their owner first (see the module docstring)."""
    return _pending(queryset).update(cancelled_at=clock(), cancel_reason=reason[:200])


# --- The sweep ------------------------------------------------------------------------------
def sweep_period() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "TIMER_SWEEP_SECONDS", 60)))


@dataclass
class SweepReport:
    fired: int = 0
    scheduled: int = 0
    failed: list[tuple[str, int]] = field(default_factory=list)


def sweep(*, schedule_ahead: bool = True, batch_size: int = 500) -> SweepReport:
    """Fire every due step of every registered model; optionally give each step due before the
    next sweep a countdown task. One failing step is logged and left for the next sweep; it
    never holds up the others."""
    report = SweepReport()
    # Each step commits its emails to the outbox; they go to the workers in batches after.
    with outbox.batched():
        _sweep(report, schedule_ahead=schedule_ahead, batch_size=batch_size)
    _record_sweep()
    return report


_LAST_SWEEP_KEY = "kitbag:timers:last_sweep"


def _record_sweep() -> None:
    """Note when a sweep finished, for the readiness check (`/ready/`): it fails when beat stops."""
    try:
        cache.set(_LAST_SWEEP_KEY, current_time().isoformat(), timeout=None)
    except Exception:
        # The sweep's work is done and committed; only the readiness check misses this one.
        logger.warning("could not record the sweep's time in the cache (cache unreachable?)")


def last_sweep_at() -> datetime | None:
    """When a sweep last finished (the timer clock's reading), or None if none has since the
    cache was emptied."""
    value = cache.get(_LAST_SWEEP_KEY)
    return datetime.fromisoformat(value) if value else None


def _sweep(report: SweepReport, *, schedule_ahead: bool, batch_size: int) -> None:
    for timer in registered():
        busy: list[int] = []
        after: tuple[datetime, int] | None = None
        while True:
            # Onwards from the last step read (keyset, in the order fired): each step is tried
            # once a sweep however many are due; one left pending waits for the next sweep.
            due = _pending(timer.model.objects.filter(due_at__lte=clock()))
            if after is not None:
                due = due.filter(models.Q(due_at__gt=after[0]) | models.Q(due_at=after[0], pk__gt=after[1]))
            due = list(due.order_by("due_at", "pk").values_list("pk", "due_at")[:batch_size])
            if not due:
                break
            after = (due[-1][1], due[-1][0])
            pks = [pk for pk, _ in due]
            for start in range(0, len(pks), FIRE_BATCH):
                busy += _fire_batch(timer, pks[start : start + FIRE_BATCH], report)
        # Steps whose owner was busy get one more try once the rest are done; if it is busy
        # still, another worker has it in hand (and the next sweep is the safety net).
        for pk in busy:
            _fire_logged(timer, pk, report)
        if schedule_ahead:
            report.scheduled += _schedule_upcoming(timer)


# Steps fired in one transaction by the sweep: one commit, one lock on each hash-chained table
# and a few queries for the lot, instead of for each step. The owners stay locked until the
# batch commits (a service cancelling one of their steps waits that long, a second or so).
FIRE_BATCH = 100

_batch = threading.local()


def memo(key, compute: Callable[[], object]):
    """`compute()`, once per batch of steps the sweep fires together (the same reviewers for a
    hundred incidents), or every time outside one. Only for reads that a step's own writes do
    not change."""
    cache = getattr(_batch, "memo", None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def step_owner(step: TimerStep, queryset: models.QuerySet) -> models.Model:
    """The step's owner from `queryset` (the fire function's select_related). In a batch the
    sweep fires together, the owners of the whole batch are read in one query; each is handed
    out once, so a second step of the same owner, fired after the first changed it, reads it
    afresh."""
    timer = _registry[step._meta.label]
    owner_id = getattr(step, f"{timer.owner_field}_id")
    owners = getattr(_batch, "owners", None)
    if owners is None:
        return queryset.get(pk=owner_id)
    key = owner_key(queryset)
    if key not in owners:
        owners[key] = queryset.in_bulk(list(_batch.owner_ids))
    return owners[key].pop(owner_id, None) or queryset.get(pk=owner_id)


def batch_owner_ids(step: TimerStep) -> set[int]:
    """The owners of the steps the sweep fires together with `step` (its batch), for a read that
    `memo` makes once for the whole batch; outside a batch, only the step's own owner."""
    timer = _registry[step._meta.label]
    own = getattr(step, f"{timer.owner_field}_id")
    return {*(getattr(_batch, "owner_ids", None) or ()), own}


def _fire_batch(timer: Timer, pks: list[int], report: SweepReport) -> list[int]:
    """Fire these steps (those still pending and due, whose owner is free) in one transaction.
    If any step fails, the whole batch rolls back and each of its steps is fired again in a
    transaction of its own (`fire`), so the failing one is left for the next sweep and the
    others fire. Returns the steps whose owner was busy."""
    model = timer.model
    try:
        with transaction.atomic():
            # The same order as `fire`: owners first (skip_locked: a busy owner is retried), then steps.
            owner_of = dict(model.objects.filter(pk__in=pks).values_list("pk", f"{timer.owner_field}_id"))
            free = set(
                timer.owner_model.objects.select_for_update(skip_locked=True)
                .filter(pk__in=set(owner_of.values()))
                .values_list("pk", flat=True)
            )
            busy = [pk for pk in pks if pk in owner_of and owner_of[pk] not in free]
            steps = list(
                _pending(model.objects.select_for_update(skip_locked=True))
                .filter(pk__in=[pk for pk in pks if owner_of.get(pk) in free], due_at__lte=clock())
                .order_by("due_at", "pk")
            )
            if not steps:
                return busy
            # Locked and pending: this transaction fires them (it alone can, until it ends).
            _pending(model.objects.filter(pk__in=[s.pk for s in steps])).update(fired_at=clock())
            fired_at = dict(model.objects.filter(pk__in=[s.pk for s in steps]).values_list("pk", "fired_at"))
            _batch.memo, _batch.owners, _batch.owner_ids = {}, {}, {owner_of[s.pk] for s in steps}
            try:
                for step in steps:
                    step.fired_at = fired_at[step.pk]
                    timer.fire(step)
            finally:
                _batch.memo = _batch.owners = _batch.owner_ids = None
    except Exception:
        logger.warning("a batch of %s steps of %s failed; firing them one at a time", len(pks), timer.label)
        return [pk for pk in pks if _fire_logged(timer, pk, report) is Outcome.BUSY]
    report.fired += len(steps)
    for step in steps:
        logger.info("timer step fired: %s %s %s (due %s)", timer.label, step.pk, step.step, step.due_at.isoformat())
    return busy


def _fire_logged(timer: Timer, pk: int, report: SweepReport) -> Outcome | None:
    try:
        outcome = fire(timer.label, pk).outcome
    except Exception:
        logger.exception("timer step %s %s failed to fire; the next sweep retries it", timer.label, pk)
        report.failed.append((timer.label, pk))
        return None
    if outcome is Outcome.FIRED:
        report.fired += 1
    return outcome


def _schedule_upcoming(timer: Timer) -> int:
    from portal.tasks import timers_fire_step

    now = clock()
    upcoming = (
        _pending(timer.model.objects.filter(due_at__gt=now, due_at__lte=now + sweep_period()))
        .annotate(_now=now)
        .values_list("pk", "due_at", "_now")
    )
    count = 0
    for pk, due_at, db_now in upcoming:
        countdown = max(0.0, (due_at - db_now).total_seconds())
        try:
            # Expires with the next-but-one sweep: if not run by then, a sweep has fired the step.
            timers_fire_step.apply_async(
                args=[timer.label, pk], countdown=countdown, expires=countdown + 2 * sweep_period().total_seconds()
            )
        except Exception:
            # Countdowns only make steps punctual; the sweeps make them certain. No broker: carry on.
            logger.warning("could not queue countdown tasks (broker unreachable?); the next sweep fires them")
            break
        count += 1
    return count
