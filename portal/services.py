"""Writes for the portal: people, notifications and the security log. Every write goes through here."""

import datetime
import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from importlib import import_module

import tablib
from auditlog.context import auditlog_value, set_actor
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from portal import outbox
from portal.models import Notification, OutboundEmail, PersonHistory, SecurityEvent, User
from portal.net import client_ip

logger = logging.getLogger(__name__)

# Sent by `person_update`, inside its transaction, whenever a person's leaving date is set, moved or
# cleared, with person (the saved User), leaving_date (date or None), actor (User or None), source
# ("admin" or "hr_import") and reason (str). devices handles it (the portal imports no app): a
# receiver that raises rolls the save back, so the person and their leaver case never disagree.
leaving_date_changed = Signal()
_STORED = object()


def _in_the_name_of(actor: User | None):
    """The audit log's actor for these writes; the request's own context (its client address) is
    kept when it already names them."""
    try:
        current = auditlog_value.get().get("actor")
    except LookupError:
        current = None
    if actor is None or current == actor:
        return nullcontext()
    return set_actor(actor)


@transaction.atomic
def person_update(
    *,
    person: User,
    actor: User | None,
    source: str,
    reason: str = "",
    update_fields: list[str] | None = None,
    leaving_date_was: datetime.date | object | None = _STORED,
) -> User:
    """Save a person, new or changed, as the caller has set their fields: the one write of a person
    for the Portal admin's form, the HR import and the HR API. One transaction, in the actor's name
    in the audit log. When their leaving date is set, moved or cleared, `leaving_date_changed` is
    sent in the same transaction (devices opens, moves or cancels their leaver case; a refusal rolls
    the save back), with `source` and the `reason` given.

    `update_fields`: only these (an empty list saves nothing and only tells a change).
    `leaving_date_was`: the date before this change, when an earlier step already saved it (the HR
    import tells leaving dates once every supervisor is linked); by default, the stored one."""
    if leaving_date_was is _STORED:
        stored = User.objects.filter(pk=person.pk).values_list("leaving_date", flat=True) if person.pk else []
        leaving_date_was = next(iter(stored), None)
    with _in_the_name_of(actor):
        if person.pk is None:
            person.save(force_insert=True)
        elif update_fields is None or update_fields:
            person.save(update_fields=update_fields)
        if person.leaving_date != leaving_date_was:
            leaving_date_changed.send(
                sender=User,
                person=person,
                leaving_date=person.leaving_date,
                actor=actor,
                source=source,
                reason=reason,
            )
        person_history_record(person=person, source=source)
    return person


def person_history_record(*, person: User, source: str) -> PersonHistory | None:
    """A new row of the person's dated history when their command unit, team, rank or active
    status differs from the latest row (or they have none yet); nothing otherwise. Called in the
    transaction that saved them."""
    latest = (
        PersonHistory.objects.filter(person=person)
        .order_by("-valid_from", "-pk")
        .values(*PersonHistory.TRACKED)
        .first()
    )
    now = {name: getattr(person, name) for name in PersonHistory.TRACKED}
    if latest == now:
        return None
    return PersonHistory.objects.create(person=person, valid_from=timezone.now(), source=source[:20], **now)


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


def service_account_create(*, identifier: str, name: str) -> User:
    """A User for another system's API token (its rules: api.services): no usable password, no
    local sign-in, an address under the reserved .invalid domain (no mail; no Entra ID account
    matches it), no role, and inactive, so it is counted nowhere people are."""
    account = User(
        payroll_number=identifier,
        first_name=name[:100],
        last_name="(service account)",
        email=f"{identifier.lower()}@service-account.invalid",  # unique, undeliverable (RFC 2606)
        is_active=False,
        is_staff=False,
        local_sign_in_allowed=False,
    )
    account.set_unusable_password()
    account.save()
    return account


def _person_row(item: dict, person: User | None) -> dict[str, str]:
    from portal.resources import HR_COLUMNS

    kept = [c for c in HR_COLUMNS if c != "leaving_date"]
    row = dict.fromkeys(HR_COLUMNS, "")
    if person is not None:
        row.update({c: getattr(person, c) for c in kept if c != "supervisor_payroll_number"})
        row["supervisor_payroll_number"] = person.supervisor.payroll_number if person.supervisor_id else ""
        row["leaving_date"] = person.leaving_date.isoformat() if person.leaving_date else ""
    row.update({c: str(item[c]) for c in kept if item.get(c) is not None})
    if "leaving_date" in item:  # null clears it
        row["leaving_date"] = item["leaving_date"].isoformat() if item["leaving_date"] else ""
    return row


@transaction.atomic
def people_upsert(*, items: list[dict], actor: User, dry_run: bool = False):
    """People from the HR system's API, by payroll number, as the HR feed's CSV import writes them
    (the same checks, supervisors linked after every item is in, each person saved by
    `person_update`). Fields an item leaves out keep their values. A leaving date set, moved or
    cleared opens, moves or cancels the person's leaver case, in the service account's name.
    `dry_run`: check, write nothing. Returns a `portal.resources.BatchOutcome`."""
    from portal.resources import BATCH_RESULTS, HR_COLUMNS, BatchOutcome, PersonResource, batch_import, not_people

    outcome = BatchOutcome()
    payrolls = [str(i.get("payroll_number") or "").strip().upper() for i in items]
    people = {
        p.payroll_number: p for p in User.objects.select_related("supervisor").filter(payroll_number__in=payrolls)
    }
    accounts = not_people(set(payrolls))  # e.g. the API's service accounts, which api registers
    rows, indices = [], []
    for index, (item, payroll) in enumerate(zip(items, payrolls, strict=True)):
        if payroll in accounts:
            outcome.add(index, "payroll_number", f"{payroll} is {accounts[payroll]}, not a person.")
            continue
        rows.append(_person_row(item, people.get(payroll)))
        indices.append(index)
    if rows:
        dataset = tablib.Dataset(headers=HR_COLUMNS)
        for row in rows:
            dataset.append([row[c] for c in HR_COLUMNS])
        with set_actor(actor):
            result = batch_import(
                PersonResource(), dataset, indices, {}, outcome, dry_run=dry_run or not outcome.ok, actor=actor
            )
        if outcome.ok and not dry_run:
            outcome.results = [
                {"index": i, "payroll_number": row["payroll_number"].upper(), "result": BATCH_RESULTS[r.import_type]}
                for i, row, r in zip(indices, rows, result.rows, strict=True)
            ]
    return outcome


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
    # Through the session engine, not the rows: with the cache in front of the database
    # (cached_db, under REDIS_URL) a deleted row alone would leave the session signed in from the cache.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for session in sessions:
        store.delete(session.session_key)
    which = "all" if refs is None else ", ".join(sorted(refs))
    security_event_record(
        kind=SecurityEvent.Kind.SESSIONS_ENDED,
        request=request,
        user=actor,
        identifier=person.payroll_number,
        detail=f"{actor.payroll_number} ended {len(sessions)} session(s) of {person.payroll_number} ({which})",
    )
    return len(sessions)
