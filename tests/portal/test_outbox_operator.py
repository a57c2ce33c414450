"""What an operator sees of the mail: the backlog in `manage.py timers` (exit 2) and /ready/
(reported, not failed), and the admin's read-only outbox with a resend for failed email."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from portal import outbox, timers
from portal.models import OutboundEmail
from portal.services import notify_address

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def _queue(n: int) -> list[OutboundEmail]:
    with transaction.atomic():
        return [notify_address(address=f"inbox{i}@police.example", subject=f"Message {i}") for i in range(n)]


@pytest.fixture
def mail_down_for_an_hour(settings):
    """Three messages written an hour ago while the mail server was down: one still retrying,
    two failed for good; and one written just now."""
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with time_machine.travel(NOW - timedelta(hours=1), tick=False) as traveller:
        retrying, *failed = _queue(3)
        outbox.deliver()
        traveller.move_to(NOW - timedelta(minutes=50))
        outbox.deliver(ids=[f.pk for f in failed])
    (fresh,) = _queue(1)
    assert [OutboundEmail.objects.get(pk=f.pk).status for f in failed] == ["failed", "failed"]
    return {"retrying": retrying, "failed": failed, "fresh": fresh}


def test_the_backlog_counts_queued_overdue_and_recently_failed(mail_down_for_an_hour):
    with time_machine.travel(NOW, tick=False):
        backlog = outbox.outbox_backlog(overdue_after=timedelta(minutes=5))
    assert (backlog.queued, backlog.overdue, backlog.failed) == (2, 1, 2)
    assert backlog.oldest_queued_at == NOW - timedelta(hours=1)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert outbox.outbox_backlog(overdue_after=timedelta(minutes=5)).failed == 0  # old news


def test_the_timers_command_shows_the_mail_backlog_and_exits_2(mail_down_for_an_hour):
    out = StringIO()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError) as failure:
        call_command("timers", stdout=out)
    assert failure.value.returncode == 2
    assert "1 email(s) queued for over 5 min" in str(failure.value)
    assert "2 email(s) failed in the last 24 h" in str(failure.value)
    text = out.getvalue()
    assert "Outbox" in text
    assert "queued:                 2" in text
    assert "queued, overdue:        1" in text
    assert "failed, last 24 h:      2" in text


def test_the_timers_command_exits_0_when_mail_flows():
    _queue(1)  # just written: its task is on its way
    out = StringIO()
    call_command("timers", stdout=out)
    assert "queued, overdue:        0" in out.getvalue()


def test_ready_reports_the_backlog_but_stays_ready(client, mail_down_for_an_hour):
    with time_machine.travel(NOW, tick=False):
        timers.sweep(schedule_ahead=False)
        response = client.get("/ready/")
    assert response.status_code == 200  # restarting web processes mends no mail server
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["failed"] == []
    assert body["outbox"] == {"queued": 2, "queued_overdue": 1, "failed_last_24h": 2}


def test_resend_queues_failed_email_again_with_an_audit_record(mail_down_for_an_hour, portal_admin, settings):
    failed = mail_down_for_an_hour["failed"]
    retrying = mail_down_for_an_hour["retrying"]
    count = outbox.emails_resend(emails=[*failed, retrying], actor=portal_admin)
    assert count == 2
    for email in failed:
        email.refresh_from_db()
        assert (email.status, email.attempts, email.claim) == ("queued", 0, "")
        entry = LogEntry.objects.get_for_object(email).get()
        assert entry.actor == portal_admin and entry.changes["status"] == ["failed", "queued"]
    retrying.refresh_from_db()
    assert retrying.attempts == 1 and not LogEntry.objects.get_for_object(retrying).exists()  # left alone
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.deliver(ids=[f.pk for f in failed]).sent == 2  # and they go, Message-ID unchanged


def test_the_admin_outbox_lists_and_resends_for_portal_admins(client, portal_admin, mail_down_for_an_hour):
    client.force_login(portal_admin)
    url = reverse("admin:portal_outboundemail_changelist")
    page = client.get(url, {"status__exact": "failed"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "inbox1@police.example" in text and "mail server down" in text
    assert "Resend the selected failed email" in text
    failed = mail_down_for_an_hour["failed"]
    response = client.post(url, {"action": "resend", "_selected_action": [f.pk for f in failed]}, follow=True)
    assert "2 failed email(s) queued again." in response.content.decode()
    assert set(OutboundEmail.objects.filter(pk__in=[f.pk for f in failed]).values_list("status", flat=True)) == {
        "queued"
    }
    change = client.get(reverse("admin:portal_outboundemail_change", args=[failed[0].pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()  # read-only


@pytest.mark.parametrize("role", ["tech_bar_staff", "data_office"])
def test_the_admin_outbox_is_not_for_tech_bars_or_the_data_office(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:portal_outboundemail_changelist")).status_code == 403
