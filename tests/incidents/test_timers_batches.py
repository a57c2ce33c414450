"""The sweep fires due steps a batch per transaction (portal.timers._fire_batch): each step once,
a few queries per step rather than a dozen, owners read afresh for a second step of the same
owner, and the batch-scoped reads (timers.memo) scoped to the batch only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident, IncidentEvent, IncidentStep
from portal import timers
from portal.models import Notification
from portal.timer_keys import owner_key

pytestmark = pytest.mark.django_db


def _all_due(incidents, steps):
    IncidentStep.objects.filter(incident__in=incidents, step__in=steps).update(
        due_at=timezone.now() - timedelta(seconds=5)
    )


def test_a_batch_fires_each_step_once_in_a_few_queries_per_step(open_incident, data_office, settings):
    settings.TIMER_SWEEP_SECONDS = 60
    incidents = [open_incident(hours_ago=0.5) for _ in range(20)]
    _all_due(incidents, ["reminder_2h", "duty_inbox_10h"])  # the reporter; the Data Office

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    told_before = Notification.objects.filter(recipient=data_office).count()
    with CaptureQueriesContext(connection) as ctx:
        report = timers.sweep(schedule_ahead=False)

    assert report.fired == 40 and report.failed == []
    # One event and one reviewer notification per step, however the batch was cut.
    events = IncidentEvent.objects.filter(kind=IncidentEvent.Kind.STEP_FIRED)
    assert sorted(events.values_list("step_id", flat=True)) == sorted(
        IncidentStep.objects.filter(fired_at__isnull=False).values_list("pk", flat=True)
    )
    assert Notification.objects.filter(recipient=data_office).count() == told_before + 20
    # Was 12 a step, one transaction each; the batch shares its locks, reads and commit.
    assert len(ctx.captured_queries) <= 40 * 8, len(ctx.captured_queries)
    assert timers.sweep(schedule_ahead=False).fired == 0


def test_a_second_step_of_one_owner_in_a_batch_reads_the_owner_afresh(open_incident, monkeypatch):
    incident = open_incident(hours_ago=0.5)
    _all_due([incident], ["reminder_2h", "reminder_6h"])
    timer = timers.timer_for(IncidentStep._meta.label)
    seen = []

    def fire(step):
        owner = timers.step_owner(step, Incident.objects.all())
        seen.append(owner.summary)
        Incident.objects.filter(pk=owner.pk).update(summary=f"changed by {step.step}")

    monkeypatch.setitem(timers._registry, timer.label, timers.Timer(IncidentStep, "incident", fire))
    assert timers.sweep(schedule_ahead=False).fired == 2

    assert seen == ["Sent a witness statement to the wrong email address", "changed by reminder_2h"]


def test_memo_reads_once_in_a_batch_and_every_time_outside_one(open_incident, monkeypatch):
    calls = []
    assert timers.memo("key", lambda: calls.append(1) or len(calls)) == 1
    assert timers.memo("key", lambda: calls.append(1) or len(calls)) == 2  # no batch: no memory

    incidents = [open_incident(hours_ago=0.5) for _ in range(3)]
    _all_due(incidents, ["reminder_2h"])
    timer = timers.timer_for(IncidentStep._meta.label)
    inside = []

    def fire(step):
        inside.append(timers.memo("key", lambda: calls.append(1) or len(calls)))

    monkeypatch.setitem(timers._registry, timer.label, timers.Timer(IncidentStep, "incident", fire))
    assert timers.sweep(schedule_ahead=False).fired == 3

    assert inside == [3, 3, 3]
    assert timers.memo("key", lambda: "fresh") == "fresh"  # the batch's memory went with it


def test_owner_querysets_are_told_apart_without_compiling_their_sql(monkeypatch):
    from django.db.models.sql.query import Query

    def no_sql(self):
        raise AssertionError("the owner's key compiled SQL")

    shapes = [
        Incident.objects.all(),
        Incident.objects.select_related("reporter"),
        Incident.objects.select_related("reporter__supervisor", "owner"),
        Incident.objects.filter(pk=1),
        Incident.objects.filter(pk=2),
        Incident.objects.only("summary"),
        Incident.objects.prefetch_related("events"),
    ]
    with monkeypatch.context() as patch:
        patch.setattr(Query, "__str__", no_sql)
        keys = [owner_key(queryset) for queryset in shapes]
        assert owner_key(Incident.objects.select_related("owner", "reporter__supervisor")) == keys[2]
    assert len(set(keys)) == len(shapes)
    # What it cannot describe is told apart by its SQL, as before.
    assert owner_key(Incident.objects.extra(select={"one": "1"})) != keys[0]


def test_batch_owner_ids_are_the_batchs_owners_or_the_steps_own_outside_a_batch(open_incident, monkeypatch):
    incidents = [open_incident(hours_ago=0.5) for _ in range(3)]
    _all_due(incidents, ["reminder_2h"])
    step = IncidentStep.objects.filter(incident=incidents[0]).first()
    assert timers.batch_owner_ids(step) == {incidents[0].pk}
    timer = timers.timer_for(IncidentStep._meta.label)
    seen = []
    monkeypatch.setitem(
        timers._registry,
        timer.label,
        timers.Timer(IncidentStep, "incident", lambda s: seen.append(timers.batch_owner_ids(s))),
    )
    assert timers.sweep(schedule_ahead=False).fired == 3
    assert seen == [{i.pk for i in incidents}] * 3
