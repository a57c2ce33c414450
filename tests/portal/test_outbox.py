"""The outbox: email written with the change that causes it, delivered after commit over one
connection per batch, retried with doubling waits, marked sent only once the server took it."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.utils.timezone import now as timezone_now

from portal import outbox, tasks
from portal.models import OutboundEmail
from portal.services import notify, notify_address

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


class DownBackend(LocmemBackend):
    """A mail server that refuses connections."""

    def open(self):
        raise smtplib.SMTPConnectError(421, b"mail server down")


class FlakyBackend(LocmemBackend):
    """Refuses the first `failures` sends, then accepts; records every Message-ID it was offered."""

    failures = 0
    offered: list[str] = []
    opened = 0

    def open(self):
        FlakyBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        FlakyBackend.offered.extend(m.extra_headers["Message-ID"] for m in messages)
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPException("451 try again later")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no such mailbox") for m in messages})


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.offered, FlakyBackend.opened = 0, [], 0
    mail.outbox = []
    return FlakyBackend


def queue(n=1, **kwargs) -> list[OutboundEmail]:
    with transaction.atomic():
        return [
            notify_address(address=f"inbox{i}@police.example", subject=f"Message {i}", body="Body", **kwargs)
            for i in range(n)
        ]


def test_a_message_is_a_row_until_delivered_and_keeps_its_message_id(flaky):
    with time_machine.travel(NOW, tick=False):
        (email,) = queue()
        assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 0
        assert email.message_id.startswith("<") and email.subject == "[Kitbag] Message 0"
        assert mail.outbox == []  # nothing leaves before a delivery run

        report = outbox.deliver(ids=[email.pk])

    email.refresh_from_db()
    assert (report.sent, email.status, email.attempts, email.sent_at) == (1, "sent", 1, NOW)
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert mail.outbox[0].message()["Message-ID"] == email.message_id
    assert outbox.deliver(ids=[email.pk]).claimed == 0  # sent is sent: never again


def test_a_batch_goes_over_one_connection(flaky):
    emails = queue(5)
    report = outbox.deliver(ids=[e.pk for e in emails])
    assert report.sent == 5 and len(mail.outbox) == 5
    assert flaky.opened == 1


def test_mail_server_down_keeps_the_message_queued_counts_attempts_then_fails(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel(NOW, tick=False) as traveller:
        (email,) = queue()
        message_id = email.message_id
        tasks.outbox_deliver.apply(args=[[email.pk]])  # the task, with its retries (eager: at once)
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("queued", 1)  # retries wait their turn: not hammered
        assert "mail server down" in email.last_error
        assert email.next_attempt_at == NOW + timedelta(seconds=30)

        traveller.move_to(NOW + timedelta(seconds=31))
        outbox.deliver()
        email.refresh_from_db()
        assert (email.status, email.attempts, email.next_attempt_at) == (
            "queued",
            2,
            NOW + timedelta(seconds=31) + timedelta(minutes=1),  # doubling
        )
        traveller.move_to(NOW + timedelta(minutes=5))
        outbox.deliver()
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("failed", 3)
        assert email.message_id == message_id


def test_the_message_id_is_the_same_on_every_retry(flaky):
    flaky.failures = 2
    with time_machine.travel(NOW, tick=False) as traveller:
        (email,) = queue()
        for minutes in (0, 1, 5):
            traveller.move_to(NOW + timedelta(minutes=minutes))
            outbox.deliver()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 3)
    assert flaky.offered == [email.message_id] * 3
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_a_refused_recipient_fails_at_once(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingBackend"
    (email,) = queue()
    outbox.deliver()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 1)
    assert "no such mailbox" in email.last_error


def test_the_sweep_sends_what_a_lost_task_left_and_leaves_fresh_rows_to_their_task(flaky):
    with time_machine.travel(NOW, tick=False) as traveller:
        (lost,) = queue()
        traveller.move_to(NOW + timedelta(minutes=2))
        (fresh,) = queue()  # its task is on its way: the sweep does not race it
        tasks.outbox_sweep()  # the beat task's body
        assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [lost.message_id]
        call_command("deliver_outbox")  # cron hosts have no worker: it takes everything due
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted([lost.message_id, fresh.message_id])


def test_a_message_goes_to_a_worker_only_after_commit(monkeypatch, officer, django_capture_on_commit_callbacks):
    dispatched = []
    monkeypatch.setattr(outbox, "dispatch", dispatched.append)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(recipient=officer, subject="Hello", body="Body")
        assert dispatched == []  # not before commit
    (email,) = OutboundEmail.objects.filter(to=officer.email)
    assert dispatched == [[email.pk]]
    assert email.recipient_label == officer.get_full_name()


def test_batched_hands_over_committed_messages_in_batches(monkeypatch, django_capture_on_commit_callbacks):
    dispatched = []
    monkeypatch.setattr(outbox, "dispatch", dispatched.append)
    monkeypatch.setattr(outbox, "BATCH_SIZE", 3)
    with outbox.batched(), django_capture_on_commit_callbacks(execute=True):
        emails = queue(7)
    assert [len(batch) for batch in dispatched] == [3, 3, 1]
    assert sorted(pk for batch in dispatched for pk in batch) == sorted(e.pk for e in emails)


def test_headers_never_carry_a_line_break():
    with transaction.atomic():
        email = outbox.email_queue(to="duty@police.example", subject="Ann\nMarie\r\nSmith\tlate\x00", body="x")
    assert email.subject == "Ann Marie Smith late"


class WorkerKilled(BaseException):
    """The worker process dying mid-send: nothing after it runs, not even `except Exception`."""


class DyingBackend(LocmemBackend):
    """The mail server stalls on DATA and the worker is killed while it waits."""

    def send_messages(self, messages):
        raise WorkerKilled


def test_a_message_held_by_a_dead_worker_goes_again_once_its_lease_of_about_the_smtp_timeout_ends(settings, flaky):
    settings.EMAIL_TIMEOUT = 20
    with time_machine.travel(NOW, tick=False) as traveller:
        first, second = queue(2)
        settings.EMAIL_BACKEND = "tests.portal.test_outbox.DyingBackend"
        with pytest.raises(WorkerKilled):
            outbox.deliver()
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, first.attempts) == ("queued", 1)
        assert first.next_attempt_at == NOW + timedelta(seconds=20) + outbox.LEASE_MARGIN  # the lease
        assert (second.attempts, second.claim) == (0, "")  # never claimed: only the message in hand is held

        settings.EMAIL_BACKEND = "tests.portal.test_outbox.FlakyBackend"
        traveller.move_to(NOW + timedelta(seconds=30))
        outbox.deliver()  # another run: the lease holds, so the other message goes, the held one waits
        assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [second.message_id]
        assert outbox.deliver(ids=[first.pk]).claimed == 0

        traveller.move_to(NOW + timedelta(seconds=36))  # lease over: the next sweep sends it at once
        tasks.outbox_sweep()
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("sent", 2)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [second.message_id, first.message_id]


class RacedBackend(LocmemBackend):
    """Each send takes `seconds`; meanwhile another worker tries to deliver the message in hand."""

    seconds = 0
    traveller = None
    rivals: list[tuple[int, int]] = []  # (what the rival claimed, how many rows say sent)
    racing = False
    rival_sweeps = True

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if not RacedBackend.racing:
            RacedBackend.racing = True
            try:
                RacedBackend.traveller.shift(timedelta(seconds=RacedBackend.seconds))
                in_hand = OutboundEmail.objects.get(message_id=messages[0].extra_headers["Message-ID"])
                rival = outbox.deliver(ids=[in_hand.pk])
                if RacedBackend.rival_sweeps:
                    rival.merge(outbox.sweep(overdue_by=timedelta(0)))
                RacedBackend.rivals.append((rival.claimed, OutboundEmail.objects.filter(status="sent").count()))
            finally:
                RacedBackend.racing = False
        return sent


@pytest.fixture
def raced(settings):
    settings.EMAIL_TIMEOUT = 20
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RacedBackend"
    RacedBackend.rivals, RacedBackend.racing, RacedBackend.rival_sweeps = [], False, True
    mail.outbox = []
    return RacedBackend


def test_a_claimed_message_is_not_sent_twice_while_its_lease_holds(raced):
    raced.seconds = 30  # within the lease of 20 s + the margin
    with time_machine.travel(NOW, tick=False) as raced.traveller:
        (email,) = queue()
        report = outbox.deliver()
        assert raced.rivals == [(0, 0)]  # the rival found it held
        traveller_at = timezone_now()
        assert outbox.deliver(ids=[email.pk]).claimed == 0  # sent is sent
    assert report.sent == 1 and traveller_at == NOW + timedelta(seconds=30)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_each_message_is_marked_sent_as_the_server_takes_it_so_a_long_batch_outlasts_no_lease(raced):
    raced.seconds = 30  # each send within its lease (20 s + margin), the batch far longer
    raced.rival_sweeps = False  # (a sweep would rightly take the messages not yet in hand)
    with time_machine.travel(NOW, tick=False) as raced.traveller:
        emails = queue(3)
        report = outbox.deliver(ids=[e.pk for e in emails])
    # Each message said sent before the next was claimed; a rival never took one already sent.
    assert report.sent == 3 and len(mail.outbox) == 3
    assert [sent for _, sent in raced.rivals] == [0, 1, 2]
