"""Timers at scale: n due escalation steps across the incident, leaver and request
ladders, ONE sweep (what beat runs: `portal.tasks.timers_sweep`, in this process), and the time
until the last step has fired.

The steps belong to scratch owners made for the run (people with supervisors, incidents, leaver
cases with an outstanding line, kit requests waiting for approval), one due step each, the rungs
taken in turn so that every reminder and escalation is exercised. Afterwards every row the run
made is deleted again, so the bench seed stays as it was. The incident timeline is a hash chain
(portal.audit_chain) whose trigger refuses deletes: the run's events are the chain's tail (rows
after the run started), and removing a tail leaves every remaining row's hash valid. This
assumes nothing else writes to the bench database during the run, which the clean-up checks.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from devices.leavers import ladder as leaver_ladder
from devices.models import (
    DeviceRequest,
    DeviceRequestStep,
    LeaverCase,
    LeaverEvent,
    LeaverLine,
    LeaverPropertyKind,
    LeaverStep,
    TechBar,
)
from devices.requests import ladder as request_ladder
from incidents import ladders
from incidents.models import Incident, IncidentEvent, IncidentStep
from portal.audit_chain import GENESIS, hashed_attnames, row_digest
from portal.models import Notification, OutboundEmail, Role, User

# How n steps are shared between the ladders: incidents, leaver cases, kit requests.
SHARES = {"incident": 0.4, "leaver": 0.4, "request": 0.2}
TEAM = 25  # people per supervisor
# Tables the sweep appends to: rows after the run's start are the run's (deleted afterwards).
APPENDED = (IncidentEvent, LeaverEvent, Notification, OutboundEmail)


@dataclass
class Scratch:
    tag: str
    users: list[int] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    tech_bar: int | None = None
    property_kind: int | None = None
    steps: dict[type, list[int]] = field(default_factory=dict)
    high_water: dict[type, int] = field(default_factory=dict)


def measure_timers(n: int = 10000) -> dict:
    """Make n due steps, run one sweep, check each fired exactly once, clean up, and say how long
    it took: seconds until the last step fired, steps per second, steps per ladder, queries."""
    from portal.tasks import timers_sweep

    # The seed's own steps that have fallen due since it was made (its open incidents and leaver
    # cases) fire first, untimed and kept, so that the measured sweep fires the run's n steps.
    timers_sweep()
    scratch = Scratch(tag=uuid.uuid4().hex[:8])
    scratch.high_water = {model: _max_pk(model) for model in APPENDED}
    try:
        made = _make(scratch, n)
        _analyze()

        with _counting_queries() as queries:
            start, cpu_start = time.perf_counter(), time.process_time()
            timers_sweep()  # the beat task's body, as a worker runs it
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        fired = _check_fired(scratch)
    finally:
        _clean_up(scratch)
    total = sum(made.values())
    return {
        "steps": total,
        "per_ladder": made,
        "fired": fired,
        "seconds": round(seconds, 2),
        "steps_per_second": round(total / seconds, 1) if seconds else None,
        "cpu_seconds": round(cpu, 2),  # this process's CPU in the sweep (the database's is apart)
        "queries": queries["count"],
        "queries_per_step": round(queries["count"] / total, 2) if total else None,
        "database": connection.vendor,
        "load": _load(),  # the machine's 1-minute load average after the sweep: timings are shared
    }


# --- Making the scratch owners and their steps --------------------------------------------------
def _split(n: int) -> dict[str, int]:
    counts = {name: int(n * share) for name, share in SHARES.items()}
    counts["incident"] += n - sum(counts.values())
    return counts


@transaction.atomic
def _make(scratch: Scratch, n: int) -> dict[str, int]:
    counts = _split(n)
    now = timezone.now()
    people = _people(scratch, sum(counts.values()))
    # bulk_create throughout: no signals, so no audit-log rows for scratch objects.
    [bar] = TechBar.objects.bulk_create([TechBar(code=f"bench-{scratch.tag}", name=f"Bench Tech Bar {scratch.tag}")])
    [kind] = LeaverPropertyKind.objects.bulk_create([LeaverPropertyKind(name=f"Warrant card (bench {scratch.tag})")])
    scratch.tech_bar, scratch.property_kind = bar.pk, kind.pk

    # Incidents: aware 80 hours ago, so every report and decision rung is due.
    aware = now - timedelta(hours=80)
    rungs = ladders.report_ladder() + ladders.decision_ladder()
    incidents = Incident.objects.bulk_create(
        Incident(
            reporter_id=people[i],
            aware_at=aware,
            due_at=aware + ladders.REPORT_DEADLINE,
            decision_due_at=aware + ladders.DECISION_DEADLINE,
            summary=f"Bench timers {scratch.tag} #{i}",
            personal_data_involved="yes",
            device_involved="no",
        )
        for i in range(counts["incident"])
    )
    scratch.incidents = [i.pk for i in incidents]
    steps = IncidentStep.objects.bulk_create(
        IncidentStep(incident=inc, ladder=r.ladder, step=r.step, due_at=aware + r.after)
        for index, inc in enumerate(incidents)
        for r in [rungs[index % len(rungs)]]
    )
    scratch.steps[IncidentStep] = [s.pk for s in steps]

    # Leaver cases: left 8 days ago with one item outstanding, so every rung is due.
    offset = counts["incident"]
    leaving = now.date() - timedelta(days=8)
    cases = LeaverCase.objects.bulk_create(
        LeaverCase(person_id=people[offset + i], leaving_date=leaving, source=LeaverCase.Source.ADMIN)
        for i in range(counts["leaver"])
    )
    scratch.cases = [c.pk for c in cases]
    LeaverLine.objects.bulk_create(LeaverLine(case=c, property_kind=kind, description=kind.name) for c in cases)
    rungs = leaver_ladder.ladder()
    steps = LeaverStep.objects.bulk_create(
        LeaverStep(case=case, step=r.step, due_at=now - timedelta(minutes=5))
        for index, case in enumerate(cases)
        for r in [rungs[index % len(rungs)]]
    )
    scratch.steps[LeaverStep] = [s.pk for s in steps]

    # Kit requests waiting for their supervisor's approval: the approval reminder is due.
    offset += counts["leaver"]
    rung = next(r for r in request_ladder.ladder() if "remind_approver" in r.actions)
    requests = DeviceRequest.objects.bulk_create(
        DeviceRequest(
            requester_id=people[offset + i],
            submitted_by_id=people[offset + i],
            kind="smartphone",
            reason=DeviceRequest.Reason.REPLACEMENT,
            collect_at_id=scratch.tech_bar,
            needs_approval=True,
        )
        for i in range(counts["request"])
    )
    scratch.requests = [r.pk for r in requests]
    steps = DeviceRequestStep.objects.bulk_create(
        DeviceRequestStep(request=r, step=f"{rung.step}.1", due_at=now - timedelta(minutes=5)) for r in requests
    )
    scratch.steps[DeviceRequestStep] = [s.pk for s in steps]
    return counts


def _people(scratch: Scratch, n: int) -> list[int]:
    """n people in teams of TEAM under a supervisor each, and one Data Office reviewer."""

    def person(key: str, **extra) -> User:
        return User(
            payroll_number=f"BT{scratch.tag}{key}",
            first_name="Bench",
            last_name=f"Person {key}",
            email=f"bt{scratch.tag}{key}@police.example",
            command_unit="Bench",
            **extra,
        )

    supervisors = User.objects.bulk_create(person(f"S{i}") for i in range(n // TEAM + 1))
    [reviewer] = User.objects.bulk_create([person("R")])
    group, _ = Group.objects.get_or_create(name=Role.DATA_OFFICE)
    User.groups.through.objects.create(user_id=reviewer.pk, group_id=group.pk)  # no audit row for scratch
    people = User.objects.bulk_create(person(f"P{i}", supervisor=supervisors[i // TEAM]) for i in range(n))
    scratch.users = [u.pk for u in [*supervisors, reviewer, *people]]
    return [p.pk for p in people]


def _analyze() -> None:
    """Refresh the planner's statistics of the tables the run filled: in production the owners
    of due steps are days old, known to autovacuum; here they are seconds old, and a planner that
    thinks the incident table holds 8 rows plans each lookup of one as a scan."""
    if connection.vendor != "postgresql":
        return
    models = (User, Incident, IncidentStep, LeaverCase, LeaverLine, LeaverStep, DeviceRequest, DeviceRequestStep)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


# --- Checking and cleaning up -------------------------------------------------------------------
def _check_fired(scratch: Scratch) -> int:
    """Every scratch step fired, and exactly once: one timeline event per fired incident or leaver
    step (the event is written in the step's firing transaction)."""
    fired = 0
    for model, pks in scratch.steps.items():
        pending = model.objects.filter(pk__in=pks, fired_at__isnull=True).count()
        if pending:
            raise AssertionError(f"{pending} {model.__name__} rows did not fire")
        fired += len(pks)
    events = Counter(
        IncidentEvent.objects.filter(step_id__in=scratch.steps[IncidentStep], kind=IncidentEvent.Kind.STEP_FIRED)
        .values_list("step_id", flat=True)
        .iterator()
    )
    if len(events) != len(scratch.steps[IncidentStep]) or any(c != 1 for c in events.values()):
        raise AssertionError("an incident step's firing was not recorded exactly once")
    leaver_events = LeaverEvent.objects.filter(case_id__in=scratch.cases, kind=LeaverEvent.Kind.STEP_FIRED).count()
    if leaver_events != len(scratch.cases):
        raise AssertionError(f"{leaver_events} leaver firings recorded for {len(scratch.cases)} steps")
    return fired


def _load() -> float | None:
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return None


def _max_pk(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@transaction.atomic
def _clean_up(scratch: Scratch) -> None:
    """Delete every row the run made (raw deletes, children first: no signals, no audit rows)."""
    for model in APPENDED:
        rows = model.objects.filter(pk__gt=scratch.high_water[model])
        if model is IncidentEvent:
            # A seed incident's step falling due during the run (the seed's clocks run on from the
            # hour it was made) is recorded between the run's own rows: it stays, and the chain is
            # sealed again over what follows the high-water mark once the run's rows are gone.
            strangers = rows.exclude(incident_id__in=scratch.incidents).exists()
            rows = rows.filter(incident_id__in=scratch.incidents)
        elif model is LeaverEvent:
            # A seed case's step falling due during the run: its event stays (not a chained table).
            rows = rows.filter(case_id__in=scratch.cases)
        if model is IncidentEvent and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The chain's trigger refuses deletes and updates; this transaction removes only the
                # run's rows (and re-seals any seed rows written among them).
                cursor.execute("SET LOCAL session_replication_role = replica")
            _delete(rows)
            if strangers:
                _reseal_after(model, scratch.high_water[model])
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            _delete(rows)
    _delete(IncidentStep.objects.filter(incident_id__in=scratch.incidents))
    _delete(LeaverStep.objects.filter(case_id__in=scratch.cases))
    _delete(DeviceRequestStep.objects.filter(request_id__in=scratch.requests))
    _delete(LeaverLine.objects.filter(case_id__in=scratch.cases))
    _delete(LeaverCase.objects.filter(pk__in=scratch.cases))
    _delete(DeviceRequest.objects.filter(pk__in=scratch.requests))
    _delete(Incident.objects.filter(pk__in=scratch.incidents))
    _delete(Notification.objects.filter(recipient_id__in=scratch.users))
    _delete(User.groups.through.objects.filter(user_id__in=scratch.users))
    User.objects.filter(pk__in=scratch.users).update(supervisor=None)
    _delete(User.objects.filter(pk__in=scratch.users))
    _delete(TechBar.objects.filter(pk=scratch.tech_bar))
    _delete(LeaverPropertyKind.objects.filter(pk=scratch.property_kind))


def _reseal_after(model, high_water: int) -> None:
    """Seal the rows after `high_water` again, each on the one before it (as `seal` wrote them)."""
    names = hashed_attnames(model)
    manager = model._base_manager
    prev = manager.filter(pk__lte=high_water).order_by("-pk").values_list("row_hash", flat=True).first() or GENESIS
    batch = []
    for row in manager.filter(pk__gt=high_water).order_by("pk").values("pk", *names).iterator():
        row_hash = row_digest(model, row, prev)
        batch.append(model(pk=row["pk"], prev_hash=prev, row_hash=row_hash))
        prev = row_hash
    manager.bulk_update(batch, ["prev_hash", "row_hash"], batch_size=1000)


def _delete(queryset) -> None:
    queryset._raw_delete(queryset.db)


@contextmanager
def _counting_queries():
    counted = {"count": 0}

    def count(execute, sql, params, many, context):
        counted["count"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counted
