"""Writes for the portal: notifications and the security log. Every write goes through here."""

import hashlib
import logging
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from portal import outbox
from portal.models import Notification, OutboundEmail, SecurityEvent, User
from portal.net import client_ip

logger = logging.getLogger(__name__)


def user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:500]


def security_event_record(
    *, kind: str, request=None, user: User | None = None, identifier: str = "", detail: str = ""
) -> SecurityEvent:
    """Append one line to the security log (and to the application log, for the SIEM)."""
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        identifier=(identifier or "")[:254],
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        path=(request.get_full_path() if request is not None else "")[:500],
        detail=detail[:500],
    )
    logger.info(
        "security event %s user=%s identifier=%s ip=%s path=%s",
        kind,
        event.user_id,
        identifier,
        event.ip_address,
        event.path,
    )
    return event


# A refused request is recorded once per (person or address, path) per clock minute, and at most this
# many a minute per person or address: a script hammering ids cannot flood the security log.
REFUSAL_WINDOW_SECONDS = 60
REFUSALS_PER_WINDOW = 20


def _first_in_window(request, who: str) -> bool:
    path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    window = int(timezone.now().timestamp()) // REFUSAL_WINDOW_SECONDS
    # Fixed windows on the application's clock: the same answer whichever cache keeps the keys
    # (Redis expires them on its own clock; not every cache keeps a key's expiry through incr).
    try:
        if not cache.add(f"refused:{who}:{path}:{window}", 1, 2 * REFUSAL_WINDOW_SECONDS):
            return False
        counter = f"refused:{who}:count:{window}"
        if cache.add(counter, 1, 2 * REFUSAL_WINDOW_SECONDS):
            return True
        return cache.incr(counter) <= REFUSALS_PER_WINDOW
    except Exception:  # a cache that is down must not hide a refusal
        logger.warning("refusal throttle unavailable; recording anyway", exc_info=True)
        return True


def security_refusal_record(*, request, user: User | None, status: int, reason: str = "") -> SecurityEvent | None:
    """A refused request (403, someone else's object as 404, an API 401/403): one security event
    with the method, status and reason in its detail, unless the same one was recorded this minute."""
    user = user if user is not None and getattr(user, "pk", None) else None
    who = f"u{user.pk}" if user is not None else f"ip{client_ip(request)}"
    if not _first_in_window(request, who):
        return None
    return security_event_record(
        kind=SecurityEvent.Kind.PERMISSION_DENIED,
        request=request,
        user=user,
        identifier=getattr(user, "payroll_number", "") or "",
        detail=f"{request.method} {status}: {reason}",
    )


def notify(
    *,
    recipient: User,
    subject: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    cause: models.Model | None = None,
) -> Notification:
    """Tell one person something: a row in their portal notifications and, in the same
    transaction, an email in the outbox (sent after commit; see portal.outbox)."""
    notification = Notification.objects.create(recipient=recipient, subject=subject[:200], body=body, url=url)
    if email and recipient.email:
        outbox.email_queue(
            to=recipient.email,
            subject=f"[Kitbag] {subject}",
            body=_email_body(body, url),
            cause=cause,
            recipient_label=recipient.get_full_name(),
        )
    return notification


def notify_address(
    *, address: str, subject: str, body: str = "", url: str = "", label: str = "", cause: models.Model | None = None
) -> OutboundEmail | None:
    """Email a shared inbox (the Data Office duty inbox), through the outbox."""
    if not address:
        return None
    return outbox.email_queue(
        to=address, subject=f"[Kitbag] {subject}", body=_email_body(body, url), cause=cause, recipient_label=label
    )


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionError("Only the recipient marks a notification read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def _email_body(body: str, url: str) -> str:
    if url:
        base = getattr(settings, "KITBAG_BASE_URL", "").rstrip("/")
        return f"{body}\n\n{base}{url}" if body else f"{base}{url}"
    return body


@dataclass
class PeopleImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "line 4: email: ... is not an email address."

    @property
    def ok(self) -> bool:
        return not self.errors


def people_import(*, csv_text: str, dry_run: bool = False) -> PeopleImportReport:
    """Create or update people from the HR feed's CSV. All rows or none: any bad row changes nothing.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    from portal.resources import PersonResource

    report = PeopleImportReport()
    try:
        dataset = tablib.Dataset().load(csv_text, format="csv")
    except Exception as exc:  # tablib raises a variety of parser errors
        report.errors.append(f"The file is not a readable CSV: {exc}")
        return report
    result = PersonResource().import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    for error in result.base_errors:
        report.errors.append(str(error.error))
    for number, errors in result.row_errors():
        report.errors.extend(f"line {number + 1}: {e.error}" for e in errors)
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            for message in messages:
                report.errors.append(f"line {invalid.number + 1}: {field_name}: {message}")
    if report.errors:
        return report
    totals = result.totals
    report.created = totals.get("new", 0)
    report.updated = totals.get("update", 0)
    report.unchanged = totals.get("skip", 0)
    return report


def sessions_clear_expired() -> int:
    """Delete sessions past their expiry (timed-out sign-ins leave them behind). Returns how many."""
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def sessions_end(*, actor: User, person: User, refs: list[str] | None = None, request=None) -> int:
    """End some of a person's sessions (by their refs) or, with refs=None, all of them: each
    browser is signed out at its next request. Recorded as a security event naming the actor and
    the person. Returns how many ended (0 if they had already ended: nothing is recorded then)."""
    from portal.selectors import sessions_of_person

    sessions = [s for s, active in sessions_of_person(person=person) if refs is None or active.ref in refs]
    if not sessions:
        return 0
    for session in sessions:
        session.delete()
    which = "all" if refs is None else ", ".join(sorted(refs))
    security_event_record(
        kind=SecurityEvent.Kind.SESSIONS_ENDED,
        request=request,
        user=actor,
        identifier=person.payroll_number,
        detail=f"{actor.payroll_number} ended {len(sessions)} session(s) of {person.payroll_number} ({which})",
    )
    return len(sessions)
