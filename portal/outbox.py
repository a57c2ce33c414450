"""The outbox: every email Kitbag sends is first a row, written in the transaction that causes it,
then delivered by a Celery task that marks it sent only once the mail server has accepted it.

A step that fires and the email it sends commit together or not at all, so a worker killed
between the two loses nothing: the row is still queued and the next delivery run (the task
queued after commit, its retries, or the periodic sweep) sends it. Each message carries a
Message-ID made when the row is written, so a crash after the server accepted a message but
before the row says so can at worst deliver the same message again, which mail clients and
servers recognise as one message.

Delivery claims each message just before sending it, with a conditional update (a lease:
`next_attempt_at` moves ahead by about the SMTP timeout and `claim` names the run), so two workers
never send one message at the same time, and a run that dies mid-send holds only the message it
was sending, and only until the lease runs out: the next run (at worst the sweep after next) sends
it again, under the same Message-ID. Each message is marked sent as soon as the server takes it.
One SMTP connection serves a whole batch.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import models, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from portal.models import OutboundEmail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100  # messages per delivery run, all over one SMTP connection
LEASE_MARGIN = timedelta(seconds=15)  # a claim lasts the SMTP timeout plus this (see lease())
FIRST_RETRY = timedelta(seconds=30)  # then doubling: 30 s, 1 min, 2 min, ... up to LONGEST_WAIT
LONGEST_WAIT = timedelta(minutes=30)  # below Redis's visibility timeout, so retry tasks stay safe
SMTP_TIMEOUT = 30  # seconds, when EMAIL_TIMEOUT is not set: a hung server must not hold a worker


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 12))


def sweep_period() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "OUTBOX_SWEEP_SECONDS", 60)))


def smtp_timeout() -> float:
    """Seconds one SMTP operation may take before the connection gives up (EMAIL_TIMEOUT)."""
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)


def lease() -> timedelta:
    """How long a run holds the one message it is sending before another run may take it: the
    SMTP timeout (a stalled server answers the DATA within it or the send fails) plus a margin.
    A send slower than that can be made twice, under one Message-ID."""
    return timedelta(seconds=smtp_timeout()) + LEASE_MARGIN


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling, capped."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


# --- Writing messages -----------------------------------------------------------------------
def one_line(text: str) -> str:
    """A header value with no line breaks or other control characters (a name from the HR feed
    with a line break in it must not stop an escalation email from being sent)."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    return " ".join(cleaned.split())


def _message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "kitbag.localhost"
    return make_msgid(domain=one_line(domain) or "kitbag.localhost")


def email_queue(
    *,
    to: str,
    subject: str,
    body: str = "",
    html: str = "",
    cause: models.Model | None = None,
    recipient_label: str = "",
) -> OutboundEmail:
    """Write one email to the outbox, in the caller's transaction. After commit a delivery task
    is queued for it; if that never runs, the sweep delivers it."""
    email = OutboundEmail.objects.create(
        to=one_line(to)[:254],
        recipient_label=one_line(recipient_label)[:200],
        subject=one_line(subject)[:300],
        body=body,
        html=html,
        message_id=_message_id(),
        cause_type=ContentType.objects.get_for_model(cause) if cause is not None else None,
        cause_id=cause.pk if cause is not None else None,
    )
    transaction.on_commit(lambda: _committed(email.pk))
    return email


def emails_caused_by(objects: Iterable[models.Model]) -> models.QuerySet[OutboundEmail]:
    """The outbox rows written for these objects (all of one model), oldest first."""
    objects = list(objects)
    if not objects:
        return OutboundEmail.objects.none()
    cause_type = ContentType.objects.get_for_model(objects[0])
    return OutboundEmail.objects.filter(cause_type=cause_type, cause_id__in=[o.pk for o in objects]).order_by("pk")


# --- Handing committed messages to the workers ------------------------------------------------
_local = threading.local()


def dispatch(ids: list[int]) -> None:
    """Queue one delivery task for these rows. No broker: the sweep delivers them instead."""
    from portal.tasks import outbox_deliver

    try:
        outbox_deliver.delay(list(ids))
    except Exception:
        logger.warning("could not queue delivery of %s email(s) (broker unreachable?); the sweep sends them", len(ids))


def _committed(pk: int) -> None:
    batch = getattr(_local, "batch", None)
    if batch is None:
        dispatch([pk])
        return
    batch.append(pk)
    if len(batch) >= BATCH_SIZE:
        dispatch(batch[:])
        batch.clear()


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Inside this block, messages committed by many small transactions (a timer sweep, a day's
    reminders) go to the workers BATCH_SIZE at a time, each batch over one SMTP connection."""
    if getattr(_local, "batch", None) is not None:
        yield
        return
    _local.batch = []
    try:
        yield
    finally:
        batch, _local.batch = _local.batch, None
        if batch:
            dispatch(batch)


# --- Delivering -----------------------------------------------------------------------------
@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # gave up on these
    retrying: list[int] = field(default_factory=list)  # still queued, tried again later
    next_attempt_at: datetime | None = None

    def merge(self, other: DeliveryReport) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.failed += other.failed
        self.retrying += other.retrying
        if other.next_attempt_at and (self.next_attempt_at is None or other.next_attempt_at < self.next_attempt_at):
            self.next_attempt_at = other.next_attempt_at


def deliver(*, ids: Iterable[int] | None = None, limit: int = BATCH_SIZE, overdue_by: timedelta = timedelta(0)):
    """Send queued messages that are due (these `ids`, or any), at most `limit`, over one
    connection. Each is claimed just before it is sent and marked sent as soon as the mail server
    has accepted it; a failure counts an attempt and schedules the next one, or gives up after
    OUTBOX_MAX_ATTEMPTS."""
    report = DeliveryReport()
    candidates = _due(ids=ids, overdue_by=overdue_by, now=timezone.now())
    pks = list(candidates.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if not pks:
        return report
    token = uuid.uuid4().hex
    connection = get_connection(fail_silently=False, timeout=smtp_timeout())
    try:
        connection.open()
    except Exception as exc:
        for row in _claim(pks, token=token, overdue_by=overdue_by):
            report.claimed += 1
            _attempt_failed(row, exc, report)
        return report
    try:
        for index, pk in enumerate(pks):
            claimed = _claim([pk], token=token, overdue_by=overdue_by)
            if not claimed:
                continue  # sent meanwhile, or another run holds it
            (row,) = claimed
            report.claimed += 1
            try:
                if not connection.send_messages([_message(row, connection)]):
                    raise ValueError("the mail backend accepted nothing (no recipient?)")
            except Exception as exc:
                _attempt_failed(row, exc, report)
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    # The connection is gone: these are tried again later, each an attempt.
                    for rest in _claim(pks[index + 1 :], token=token, overdue_by=overdue_by):
                        report.claimed += 1
                        _attempt_failed(rest, exc, report)
                    break
            else:
                # At once, whoever holds it now: a send that outlasted its lease must not be
                # followed by a third.
                OutboundEmail.objects.filter(pk=row.pk, status=OutboundEmail.Status.QUEUED).update(
                    status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
                )
                report.sent += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return report


def sweep(*, overdue_by: timedelta | None = None, batch_size: int = BATCH_SIZE, max_batches: int = 50):
    """Deliver queued messages whose delivery task was lost (a broker restart, a worker killed)
    or whose retry is due. By default only those overdue by a sweep period, so the sweep does
    not race the tasks that are on their way; a message held by a run whose lease has run out
    (the worker died mid-send) has no task on its way and is taken at once."""
    overdue_by = sweep_period() if overdue_by is None else overdue_by
    total = DeliveryReport()
    for _ in range(max_batches):
        report = deliver(limit=batch_size, overdue_by=overdue_by)
        total.merge(report)
        if report.claimed < batch_size:
            break
    if total.claimed:
        logger.info("outbox sweep: %s sent, %s retrying, %s failed", total.sent, len(total.retrying), total.failed)
    return total


def _due(*, ids: Iterable[int] | None, overdue_by: timedelta, now: datetime) -> models.QuerySet[OutboundEmail]:
    """Queued messages due now: waiting for a first try or a retry for `overdue_by`, or held by
    a run whose lease has run out (a run that ends, sent or not, releases its hold)."""
    waited = models.Q(next_attempt_at__lte=now - overdue_by)
    abandoned = ~models.Q(claim="") & models.Q(next_attempt_at__lte=now)
    due = OutboundEmail.objects.filter(waited | abandoned, status=OutboundEmail.Status.QUEUED)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    return due


def _claim(pks: list[int], *, token: str, overdue_by: timedelta) -> list[OutboundEmail]:
    """Take these messages for one lease, those still due. Conditional: a message another run
    claimed a moment ago, or sent, no longer matches, so it is not taken twice."""
    if not pks:
        return []
    now = timezone.now()
    _due(ids=pks, overdue_by=overdue_by, now=now).update(
        claim=token, attempts=models.F("attempts") + 1, next_attempt_at=now + lease()
    )
    held = OutboundEmail.objects.filter(pk__in=pks, claim=token, status=OutboundEmail.Status.QUEUED)
    return list(held.order_by("pk"))


def _message(row: OutboundEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        to=[row.to],
        headers={"Message-ID": row.message_id},
        connection=connection,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _permanent(exc: Exception) -> bool:
    """Errors that no retry can mend: a malformed header or address, a recipient the server refuses."""
    if isinstance(exc, (ValueError, UnicodeError)):  # BadHeaderError is a ValueError
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return False


def _attempt_failed(row: OutboundEmail, exc: Exception, report: DeliveryReport) -> None:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:500]
    if _permanent(exc) or row.attempts >= max_attempts():
        OutboundEmail.objects.filter(pk=row.pk, claim=row.claim).update(
            status=OutboundEmail.Status.FAILED, last_error=error, claim=""
        )
        report.failed += 1
        logger.error("email %s to %s failed for good after %s attempt(s): %s", row.pk, row.to, row.attempts, error)
        return
    next_attempt_at = now + backoff(row.attempts)
    # Released (claim cleared): a retry waits its turn like a first try, not as an abandoned hold.
    OutboundEmail.objects.filter(pk=row.pk, claim=row.claim).update(
        next_attempt_at=next_attempt_at, last_error=error, claim=""
    )
    report.retrying.append(row.pk)
    if report.next_attempt_at is None or next_attempt_at < report.next_attempt_at:
        report.next_attempt_at = next_attempt_at
    logger.warning("email %s to %s not sent (attempt %s), trying again: %s", row.pk, row.to, row.attempts, error)


# --- What an operator sees ----------------------------------------------------------------------
FAILED_WINDOW = timedelta(hours=24)  # failures counted by `manage.py timers` and /ready/


@dataclass(frozen=True)
class Backlog:
    queued: int  # waiting for a first try or a retry
    overdue: int  # of those, written longer ago than the threshold: should have gone by now
    oldest_queued_at: datetime | None
    failed: int  # given up on in the last FAILED_WINDOW (until resent)


def outbox_backlog(*, overdue_after: timedelta, now: datetime | None = None) -> Backlog:
    """The mail backlog, in two queries that read only the queued and failed rows' indexes."""
    now = now or timezone.now()
    queued = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).aggregate(
        queued=Count("pk"),
        overdue=Count("pk", filter=Q(created_at__lte=now - overdue_after)),
        oldest_queued_at=Min("created_at"),
    )
    # A failed row's next_attempt_at is when its last attempt began (plus one lease).
    failed = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.FAILED, next_attempt_at__gt=now - FAILED_WINDOW
    ).count()
    return Backlog(failed=failed, **queued)


@transaction.atomic
def emails_resend(*, emails: Iterable[OutboundEmail], actor) -> int:
    """Queue failed messages again (once the mail server or the address is mended): attempts
    start afresh, under the same Message-ID. Each resend is in the audit log with who asked.
    Messages that are not failed are left alone. Returns how many were queued."""
    from auditlog.models import LogEntry

    failed = list(
        OutboundEmail.objects.select_for_update()
        .filter(pk__in=[e.pk for e in emails], status=OutboundEmail.Status.FAILED)
        .order_by("pk")
    )
    now = timezone.now()
    for email in failed:
        changes = {"status": [email.status, OutboundEmail.Status.QUEUED.value], "attempts": [str(email.attempts), "0"]}
        email.status, email.attempts, email.next_attempt_at, email.claim = OutboundEmail.Status.QUEUED, 0, now, ""
        email.save(update_fields=["status", "attempts", "next_attempt_at", "claim"])
        LogEntry.objects.log_create(
            email,
            action=LogEntry.Action.UPDATE,
            changes=changes,
            actor=actor,
            additional_data={"resent": True, "last_error": email.last_error},
        )
    if failed:
        transaction.on_commit(lambda: dispatch([email.pk for email in failed]))
    return len(failed)
