"""Due steps on every ladder the sweep covers (incidents, leavers, kit requests), made in bulk
as the services would leave them, and the checks every drill ends with: each due step fired
exactly once, none lost, no device with two open assignments, no acknowledgement lost, and the
audit chains intact (`manage.py verify_audit`)."""

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from devices.leavers import ladder as leaver_ladder
from devices.models import (
    Assignment,
    DeviceModel,
    DeviceRequest,
    DeviceRequestStep,
    LeaverCase,
    LeaverEvent,
    LeaverStep,
    TechBar,
)
from devices.requests import ladder as request_ladder
from incidents import ladders
from incidents.models import Incident, IncidentEvent, IncidentStep
from policy.models import Acknowledgement
from portal.models import User

STEP_MODELS = (IncidentStep, LeaverStep, DeviceRequestStep)
FIRED_LINE = re.compile(r"timer step fired: (\S+) (\d+) ")
_people = itertools.count(1)


@dataclass
class DueSteps:
    """The pks of the steps a drill made, by model label."""

    ids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(pks) for pks in self.ids.values())

    def __add__(self, other: "DueSteps") -> "DueSteps":
        return DueSteps({label: self.ids.get(label, []) + other.ids.get(label, []) for label in self.ids | other.ids})

    def model_ids(self):
        for model in STEP_MODELS:
            yield model, self.ids.get(model._meta.label, [])


def _people_bulk(count: int) -> list[User]:
    batch = [next(_people) for _ in range(count)]
    return User.objects.bulk_create(
        User(payroll_number=f"DR{n:07d}", first_name="Drill", last_name=f"Person {n}", email=f"dr{n}@police.example")
        for n in batch
    )


def make_due_steps(*, count: int, due_at, reporter: User) -> DueSteps:
    """About `count` pending steps due at `due_at`, a third on each ladder (whole owners: every
    rung of each owner's ladder)."""
    share = max(1, count // 3)
    report_rungs, leaver_rungs, request_rungs = ladders.report_ladder(), leaver_ladder.ladder(), request_ladder.ladder()
    aware = timezone.now() - timedelta(hours=1)
    incidents = Incident.objects.bulk_create(
        Incident(
            reporter=reporter,
            aware_at=aware,
            due_at=aware + ladders.REPORT_DEADLINE,
            summary=f"Drill incident {n}",
            personal_data_involved="no",
            device_involved="no",
        )
        for n in range(-(-share // len(report_rungs)))
    )
    incident_steps = IncidentStep.objects.bulk_create(
        IncidentStep(incident=i, ladder=r.ladder, step=r.step, due_at=due_at) for i in incidents for r in report_rungs
    )
    leavers = _people_bulk(-(-share // len(leaver_rungs)))
    cases = LeaverCase.objects.bulk_create(
        LeaverCase(person=p, leaving_date=timezone.localdate() + timedelta(days=14), source=LeaverCase.Source.ADMIN)
        for p in leavers
    )
    leaver_steps = LeaverStep.objects.bulk_create(
        LeaverStep(case=c, step=r.step, due_at=due_at) for c in cases for r in leaver_rungs
    )
    bar, _ = TechBar.objects.get_or_create(code="drill", defaults={"name": "Drill Tech Bar"})
    requesters = _people_bulk(-(-share // len(request_rungs)))
    requests = DeviceRequest.objects.bulk_create(
        DeviceRequest(
            requester=p,
            submitted_by=p,
            kind=DeviceModel.Kind.SMARTPHONE,
            reason=DeviceRequest.Reason.REPLACEMENT,
            collect_at=bar,
        )
        for p in requesters
    )
    request_steps = DeviceRequestStep.objects.bulk_create(
        DeviceRequestStep(request=r, step=rung.step, due_at=due_at) for r in requests for rung in request_rungs
    )
    return DueSteps(
        {
            IncidentStep._meta.label: [s.pk for s in incident_steps],
            LeaverStep._meta.label: [s.pk for s in leaver_steps],
            DeviceRequestStep._meta.label: [s.pk for s in request_steps],
        }
    )


def fired_count(due: DueSteps) -> int:
    return sum(
        model.objects.filter(pk__in=pks, fired_at__isnull=False).count() for model, pks in due.model_ids() if pks
    )


def fired_lines(logs: list[str]) -> Counter:
    """(model label, pk) -> how many times a process logged firing it (the log line is written
    after the step's transaction commits)."""
    counts = Counter()
    for text in logs:
        counts.update((label, int(pk)) for label, pk in FIRED_LINE.findall(text))
    return counts


def duplicate_effects() -> int:
    """Effects written twice in the database: an incident step with two timeline entries, a
    leaver case with more "step fired" entries than fired steps."""
    twice = (
        IncidentEvent.objects.filter(kind=IncidentEvent.Kind.STEP_FIRED, step__isnull=False)
        .values("step")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    fired_by_case = Counter(LeaverStep.objects.filter(fired_at__isnull=False).values_list("case_id", flat=True))
    events_by_case = Counter(
        LeaverEvent.objects.filter(kind=LeaverEvent.Kind.STEP_FIRED).values_list("case_id", flat=True)
    )
    return twice + sum(max(0, n - fired_by_case[case]) for case, n in events_by_case.items())


def devices_held_twice() -> int:
    return (
        Assignment.objects.filter(returned_at__isnull=True)
        .values("device")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )


def verify_audit() -> str:
    try:
        call_command("verify_audit", stdout=io.StringIO())
    except CommandError as error:
        return f"broken: {error}"
    return "ok"


@dataclass
class Outcome:
    steps: int
    fired: int
    duplicates: int
    lost: int
    devices_held_twice: int
    acknowledgements_lost: int
    verify_audit: str

    def numbers(self) -> dict:
        return {
            "steps": self.steps,
            "fired": self.fired,
            "duplicates": self.duplicates,
            "lost": self.lost + self.acknowledgements_lost,
            "verify_audit": self.verify_audit,
            "devices_held_twice": self.devices_held_twice,
        }

    def assert_clean(self, context: str = "") -> None:
        assert self.fired == self.steps, f"{self.steps - self.fired} due step(s) never fired\n{context}"
        assert self.duplicates == 0, f"{self.duplicates} step(s) fired more than once\n{context}"
        assert self.lost == 0
        assert self.devices_held_twice == 0, "a device with two open assignments"
        assert self.acknowledgements_lost == 0, "an acknowledgement was lost"
        assert self.verify_audit == "ok", self.verify_audit


def outcome(due: DueSteps, *, logs: list[str], acknowledgements_before: int) -> Outcome:
    """The numbers every drill records and asserts."""
    logged = fired_lines(logs)
    ours = {(label, pk) for label, pks in due.ids.items() for pk in pks}
    log_duplicates = sum(n - 1 for key, n in logged.items() if key in ours and n > 1)
    fired = fired_count(due)
    return Outcome(
        steps=due.total,
        fired=fired,
        duplicates=log_duplicates + duplicate_effects(),
        lost=due.total - fired,
        devices_held_twice=devices_held_twice(),
        acknowledgements_lost=max(0, acknowledgements_before - Acknowledgement.objects.count()),
        verify_audit=verify_audit(),
    )
