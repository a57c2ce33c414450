"""Escalation email through the outbox: a step and its email commit together, a lost delivery is
sent by the next run, a mail outage shows on the Data Office's timeline, and a name with a line
break in it no longer stops the supervisor's email."""

import smtplib
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from incidents import services
from incidents.models import IncidentEvent
from portal import outbox, tasks, timers
from portal.models import Notification, OutboundEmail, Role
from tests.factories import UserFactory

# The suite's fixed clock (tests/conftest.py) has the timers read the application's clock.
pytestmark = pytest.mark.django_db

START = datetime(2026, 2, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London")).astimezone(UTC)


class DownBackend(LocmemBackend):
    def open(self):
        raise smtplib.SMTPException("mail server down")


def open_at_start(reporter):
    with time_machine.travel(START, tick=False):
        return services.incident_open(
            reporter=reporter,
            summary="Laptop bag left on a bus",
            aware_at=START,
            personal_data_involved="yes",
            device_involved="yes",
        )


def duty_emails(step) -> list[OutboundEmail]:
    return list(outbox.emails_caused_by([step]).filter(to=django_settings.DATA_OFFICE_DUTY_EMAIL))


def test_a_step_fired_then_the_process_died_before_sending_is_sent_by_the_next_delivery_run(
    reporter, data_office, django_capture_on_commit_callbacks
):
    incident = open_at_start(reporter)
    step = incident.steps.get(step="duty_inbox_10h")
    mail.outbox = []
    with time_machine.travel(START + timedelta(hours=10), tick=False) as traveller:
        # The step commits, and the process dies before its after-commit delivery runs.
        with django_capture_on_commit_callbacks(execute=False) as lost:
            assert timers.sweep(schedule_ahead=False).fired == 3  # the 2 h, 6 h and 10 h steps
        assert lost, "delivery was to be handed over after commit"
        step.refresh_from_db()
        assert step.fired_at is not None
        (email,) = duty_emails(step)  # written in the step's own transaction
        assert (email.status, email.attempts, mail.outbox) == ("queued", 0, [])

        traveller.move_to(START + timedelta(hours=10, minutes=2))
        tasks.outbox_sweep()  # the next beat sweep of the outbox

    email.refresh_from_db()
    assert email.status == "sent"
    (duty,) = [m for m in mail.outbox if m.extra_headers["Message-ID"] == email.message_id]
    assert duty.to == [django_settings.DATA_OFFICE_DUTY_EMAIL] and "no full report yet" in duty.subject
    assert not OutboundEmail.objects.filter(status="queued").exists()  # the reminders went too


def test_with_the_mail_server_down_the_timeline_says_queued_then_failed_and_reviewers_see_the_alert(
    settings, reporter, data_office, client
):
    settings.EMAIL_BACKEND = "tests.incidents.test_outbox.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    incident = open_at_start(reporter)
    step = incident.steps.get(step="duty_inbox_10h")
    client.force_login(data_office)
    with time_machine.travel(START + timedelta(hours=10), tick=False) as traveller:
        timers.sweep(schedule_ahead=False)
        outbox.deliver()
        (email,) = duty_emails(step)
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("queued", 1)
        entry = IncidentEvent.objects.get(step=step)
        # The entry says what the portal did; what became of the email comes from its outbox row.
        assert entry.text == "Alerted the Data Office reviewers in the portal."
        page = client.get(incident.get_review_url()).content.decode()
        assert "Email to the Data Office duty inbox:" in page
        assert "queued</strong> 1 attempt failed so far" in page and "mail server down" in page

        traveller.move_to(START + timedelta(hours=10, minutes=5))
        outbox.deliver()
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("failed", 2)
        page = client.get(incident.get_review_url()).content.decode()
        assert "failed</strong> after 2 attempts: not sent." in page

    # The outage hides nothing: the alert is in every reviewer's portal notifications.
    assert Notification.objects.filter(recipient=data_office, subject__contains="no full report yet").exists()


def test_the_reporter_does_not_see_the_data_offices_email_states(reporter, data_office, client):
    incident = open_at_start(reporter)
    with time_machine.travel(START + timedelta(hours=10), tick=False):
        timers.sweep(schedule_ahead=False)
    client.force_login(reporter)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Email to" not in page


def test_a_name_with_a_line_break_no_longer_stops_the_supervisors_email(
    supervisor, data_office, mail_delivered_at_once, django_capture_on_commit_callbacks
):
    reporter = UserFactory(roles=[Role.OFFICER], supervisor=supervisor, first_name="Ann\nMarie", last_name="Jones")
    incident = open_at_start(reporter)
    mail.outbox = []
    with time_machine.travel(START + timedelta(hours=6), tick=False), django_capture_on_commit_callbacks(execute=True):
        timers.sweep(schedule_ahead=False)
    step = incident.steps.get(step="reminder_6h")
    to_supervisor = outbox.emails_caused_by([step]).get(to=supervisor.email)
    assert to_supervisor.status == "sent"
    (sent,) = [m for m in mail.outbox if m.to == [supervisor.email]]
    assert "Ann Marie Jones has a security incident report due in" in sent.subject


def test_the_lead_alert_shows_in_the_portal_to_every_reviewer(
    reporter, data_office, second_reviewer, full_report, django_capture_on_commit_callbacks
):
    incident = open_at_start(reporter)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        services.incident_submit(incident=incident, actor=reporter, values=full_report)
        services.incident_triage(
            incident=incident,
            actor=data_office,
            severity="high",
            likelihood="likely",
            personal_data_breach=True,
            owner=second_reviewer,
        )
    with time_machine.travel(START + timedelta(hours=66), tick=False):
        timers.sweep(schedule_ahead=False)
    step = incident.steps.get(step="decision_66h")
    (lead,) = outbox.emails_caused_by([step])
    assert (lead.to, lead.recipient_label) == (django_settings.DATA_OFFICE_LEAD_EMAIL, "the Data Office lead")
    for reviewer in (data_office, second_reviewer):
        assert Notification.objects.filter(recipient=reviewer, subject__contains="decision on telling the ICO").exists()
