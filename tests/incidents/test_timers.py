"""portal.timers through its first user, incidents: fire once, never early, cancel, the sweep,
the countdown tasks it hands out, the database's clock, and the cron command."""

from datetime import timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.management import call_command
from django.utils import timezone

from incidents.models import IncidentEvent, IncidentStep
from portal import tasks, timers

LABEL = IncidentStep._meta.label
pytestmark = pytest.mark.django_db


def test_incident_steps_are_under_the_sweep():
    assert LABEL in {timer.label for timer in timers.registered()}
    assert timers.timer_for(LABEL).owner_field == "incident"


def test_a_due_step_fires_once_however_often_it_is_asked(open_incident):
    incident = open_incident(hours_ago=2.5)  # reminder_2h is past but only reminds: cancelled
    step = incident.steps.get(step="reminder_6h")
    IncidentStep.objects.filter(pk=step.pk).update(due_at=timezone.now() - timedelta(seconds=1))

    outcomes = [timers.fire(LABEL, step.pk).outcome for _ in range(3)]

    assert outcomes == [timers.Outcome.FIRED, timers.Outcome.GONE, timers.Outcome.GONE]
    step.refresh_from_db()
    assert step.fired_at is not None
    assert IncidentEvent.objects.filter(step=step).count() == 1


def test_a_step_is_never_fired_early(open_incident):
    incident = open_incident(hours_ago=1)
    step = incident.steps.get(step="reminder_2h")

    result = timers.fire(LABEL, step.pk)

    assert result.outcome is timers.Outcome.NOT_DUE
    assert 3500 < result.seconds_early <= 3600
    step.refresh_from_db()
    assert step.fired_at is None


def test_a_cancelled_step_never_fires(open_incident):
    incident = open_incident(hours_ago=1, personal_data_involved="no")
    assert timers.cancel(incident.steps.all(), reason="testing") == 4
    IncidentStep.objects.filter(incident=incident).update(due_at=timezone.now() - timedelta(minutes=1))

    assert timers.sweep().fired == 0
    assert all(s.cancelled_at and s.cancel_reason == "testing" for s in incident.steps.all())
    assert not IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.STEP_FIRED).exists()


def test_fired_or_cancelled_never_both(open_incident):
    from django.db import IntegrityError, transaction

    step = open_incident().steps.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentStep.objects.filter(pk=step.pk).update(fired_at=timezone.now(), cancelled_at=timezone.now())


def test_the_sweep_fires_every_due_step_in_batches(open_incident, reporter):
    incidents = [open_incident(hours_ago=0.5) for _ in range(7)]
    IncidentStep.objects.filter(step__in=["reminder_2h", "reminder_6h"]).update(
        due_at=timezone.now() - timedelta(seconds=5)
    )

    report = timers.sweep(batch_size=3)

    assert report.fired == 14
    assert IncidentEvent.objects.filter(kind=IncidentEvent.Kind.STEP_FIRED).count() == 14
    assert timers.sweep().fired == 0
    assert all(i.steps.filter(fired_at__isnull=False).count() == 2 for i in incidents)


def test_a_step_that_fails_is_left_for_the_next_sweep_and_does_not_block_others(open_incident, monkeypatch):
    first, second = open_incident(hours_ago=0.5), open_incident(hours_ago=0.5)
    IncidentStep.objects.filter(step="reminder_2h").update(due_at=timezone.now() - timedelta(seconds=5))
    timer = timers.timer_for(LABEL)
    real_fire = timer.fire

    def fail_for_first(step):
        if step.incident_id == first.pk:
            raise RuntimeError("mail server on fire")
        real_fire(step)

    monkeypatch.setitem(timers._registry, LABEL, timers.Timer(IncidentStep, "incident", fail_for_first))
    report = timers.sweep()

    assert report.fired == 1 and report.failed == [(LABEL, first.steps.get(step="reminder_2h").pk)]
    assert first.steps.get(step="reminder_2h").fired_at is None  # rolled back with its effects
    assert second.steps.get(step="reminder_2h").fired_at is not None

    monkeypatch.setitem(timers._registry, LABEL, timer)
    assert timers.sweep().fired == 1
    assert first.steps.get(step="reminder_2h").fired_at is not None


def test_the_sweep_gives_steps_due_before_the_next_sweep_a_countdown(open_incident, monkeypatch, settings):
    settings.TIMER_SWEEP_SECONDS = 60
    incident = open_incident(hours_ago=1)
    soon = incident.steps.get(step="reminder_2h")
    IncidentStep.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(seconds=30))
    sent = []
    monkeypatch.setattr(tasks.timers_fire_step, "apply_async", lambda **kw: sent.append(kw))

    report = timers.sweep()

    assert report.scheduled == 1
    (message,) = sent
    assert message["args"] == [LABEL, soon.pk]
    assert 25 < message["countdown"] <= 30
    # Never hours ahead: the later steps (6 h, 10 h, 12 h) wait for later sweeps.
    assert message["expires"] <= message["countdown"] + 120


def test_the_countdown_task_fires_its_step_and_waits_if_it_arrives_early(open_incident, settings):
    settings.TIMER_SWEEP_SECONDS = 60
    incident = open_incident(hours_ago=1)
    step = incident.steps.get(step="reminder_2h")
    IncidentStep.objects.filter(pk=step.pk).update(due_at=timezone.now() + timedelta(seconds=20))

    with pytest.raises(Retry):
        tasks.timers_fire_step.run(LABEL, step.pk)
    step.refresh_from_db()
    assert step.fired_at is None

    IncidentStep.objects.filter(pk=step.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    tasks.timers_fire_step.run(LABEL, step.pk)
    tasks.timers_fire_step.run(LABEL, step.pk)  # a duplicate message changes nothing
    step.refresh_from_db()
    assert step.fired_at is not None
    assert IncidentEvent.objects.filter(step=step).count() == 1


def test_the_beat_schedule_runs_the_sweep_every_sweep_period(settings):
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["timers-sweep"]
    assert entry["task"] == tasks.timers_sweep.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == settings.TIMER_SWEEP_SECONDS


@pytest.mark.real_clock
def test_due_times_are_compared_with_the_database_clock_not_the_application_clock(open_incident, settings):
    """A worker whose clock runs 13 hours fast fires nothing early: the database decides."""
    assert settings.TIMER_CLOCK == "database"
    incident = open_incident(hours_ago=0)
    with time_machine.travel(timezone.now() + timedelta(hours=13), tick=False):
        assert timers.sweep().fired == 0
    assert not incident.steps.filter(fired_at__isnull=False).exists()

    settings.TIMER_CLOCK = "application"  # what the clock tests use, to show the contrast
    with time_machine.travel(timezone.now() + timedelta(hours=13), tick=False):
        assert timers.sweep().fired == 4


@pytest.mark.real_clock
def test_current_time_is_the_database_clock(settings):
    assert settings.TIMER_CLOCK == "database"
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        skewed_app_now = timezone.now()
        db_now = timers.current_time()
    assert abs(db_now - skewed_app_now) > timedelta(days=2)
    assert abs(db_now - timezone.now()) < timedelta(minutes=1)


def test_the_cron_command_runs_the_same_sweep(open_incident, capsys):
    incident = open_incident(hours_ago=0.5)
    IncidentStep.objects.filter(incident=incident, step="reminder_2h").update(
        due_at=timezone.now() - timedelta(seconds=1)
    )

    call_command("sweep_timers")

    assert "Fired 1 step(s)" in capsys.readouterr().out
    assert incident.steps.get(step="reminder_2h").fired_at is not None


def test_a_broker_outage_does_not_stop_the_sweep(open_incident, monkeypatch, settings):
    """Countdown tasks only make steps punctual: with no broker the sweep still fires what is due."""
    from kombu.exceptions import OperationalError

    settings.TIMER_SWEEP_SECONDS = 60
    incident = open_incident(hours_ago=1)
    IncidentStep.objects.filter(incident=incident, step="reminder_2h").update(
        due_at=timezone.now() - timedelta(seconds=1)
    )
    IncidentStep.objects.filter(incident=incident, step="reminder_6h").update(
        due_at=timezone.now() + timedelta(seconds=30)
    )

    def broker_down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.timers_fire_step, "apply_async", broker_down)
    report = timers.sweep()

    assert report.fired == 1 and report.scheduled == 0
    assert incident.steps.get(step="reminder_2h").fired_at is not None
