"""The daily reminder task: scheduled by beat, safe to run twice."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from policy import tasks
from policy.models import PolicyReminder
from portal.celery import app
from portal.models import Notification, Role
from tests.factories import UserFactory
from tests.policy.factories import published_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_delivered_at_once")]


def test_beat_runs_the_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["policy-send-reminders"]
    assert entry["task"] == tasks.send_policy_reminders.name
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule.hour == {8} and schedule.minute == {0}
    assert schedule.day_of_week == set(range(7))


def test_the_task_is_idempotent_when_run_twice(settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.POLICY_REMINDER_AFTER_DAYS = 2
    settings.POLICY_SUPERVISOR_REMINDER_AFTER_DAYS = 4
    long_ago = timezone.now() - datetime.timedelta(days=100)
    sergeant = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], date_joined=long_ago)
    constable = UserFactory(supervisor=sergeant, date_joined=long_ago)
    version = published_version()

    with time_machine.travel(version.starts_at + datetime.timedelta(days=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = tasks.send_policy_reminders.apply().get()
        with django_capture_on_commit_callbacks(execute=True):
            second = tasks.send_policy_reminders.apply().get()

    assert first["people_reminded"] >= 2 and first["supervisors_reminded"] == 1
    assert second == {"people_reminded": 0, "supervisors_reminded": 0}
    kinds = sorted(PolicyReminder.objects.filter(user=constable).values_list("kind", flat=True))
    assert kinds == [PolicyReminder.Kind.PERSON, PolicyReminder.Kind.SUPERVISOR]
    assert Notification.objects.filter(recipient=constable).count() == 1
    assert len([m for m in mailoutbox if m.to == [constable.email]]) == 1
    assert len([m for m in mailoutbox if m.to == [sergeant.email] and "of your team" in m.subject]) == 1
