"""Opening, moving and cancelling a leaver case: everything goes through `leaver_date_set`."""

import datetime
from contextlib import nullcontext

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from devices import permissions
from devices.accessories.selectors import accessories_held_by
from devices.core.models import Assignment
from devices.leavers import ladder as leaver_ladder
from devices.leavers.models import LeaverCase, LeaverEvent, LeaverLine, LeaverPropertyKind, LeaverStep
from devices.leavers.services.common import LeaverError, LeaverNotAllowed, event, lock_case
from devices.loans.selectors import loan_words_by_assignment
from devices.requests.services import device_requests_cancel_for_leaver
from portal import timers
from portal.models import User


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


@transaction.atomic
def leaver_date_set(
    *, person: User, leaving_date: datetime.date | None, actor: User | None, source: str, reason: str = ""
) -> LeaverCase | None:
    """Set, move or clear a person's leaving date: the one way in, for the supervisor's page, the
    Portal admin and the HR import alike (the HR import has no actor).

    Setting a date opens a case (one line per open assignment and per active property kind) with
    its ladder of steps; steps already past fire at once. Moving it moves the pending steps (the
    fired stay fired). Clearing it cancels the open case, with a reason, and its steps.
    Returns the case concerned, or None when there is none.
    """
    if source not in LeaverCase.Source.values:
        raise LeaverError("Unknown source of the leaving date.")
    if leaving_date is not None and not isinstance(leaving_date, datetime.date):
        raise LeaverError("Enter the leaving date as a date.")
    if isinstance(leaving_date, datetime.datetime):
        raise LeaverError("A leaving date is a date, not a time.")
    if source != LeaverCase.Source.HR_IMPORT and not permissions.can_set_leaving_date(actor, person):
        raise LeaverNotAllowed("Only their supervisor or a Portal admin sets a person's leaving date.")
    person = User.objects.select_for_update().get(pk=person.pk)
    with set_actor(actor) if actor is not None else nullcontext():
        if person.leaving_date != leaving_date:
            person.leaving_date = leaving_date
            person.save(update_fields=["leaving_date"])
        open_case = LeaverCase.objects.filter(person=person, status=LeaverCase.Status.OPEN).first()
        if open_case is not None:
            case = lock_case(open_case.pk)
            if leaving_date is None:
                return _cancel(case, actor=actor, reason=reason)
            return _move(case, leaving_date, actor=actor, reason=reason)
        latest = LeaverCase.objects.filter(person=person).order_by("-opened_at", "-pk").first()
        if latest is not None and latest.status == LeaverCase.Status.CLOSED and latest.deactivated_at is None:
            # Everything is back and signed off; the date still decides when they are deactivated.
            return _closed_case_date(lock_case(latest.pk), leaving_date, actor=actor, reason=reason)
        if leaving_date is None:
            return None
        if not person.is_active:
            # Someone who has left already: the HR feed may still correct their date, but nothing
            # is chased from them until a Portal admin reactivates them.
            if source == LeaverCase.Source.HR_IMPORT:
                return latest
            raise LeaverError(f"{person} is deactivated: a Portal admin reactivates them first.")
        return _open(person, leaving_date, actor=actor, source=source)


def _open(person: User, leaving_date: datetime.date, *, actor: User | None, source: str) -> LeaverCase:
    case = LeaverCase.objects.create(person=person, leaving_date=leaving_date, source=source, opened_by=actor)
    open_assignments = (
        Assignment.objects.filter(holder=person, returned_at__isnull=True)
        .select_related("device__model")
        .order_by("issued_at", "pk")
    )
    open_assignments = list(open_assignments)
    on_loan = loan_words_by_assignment(a.pk for a in open_assignments)  # "on loan, due back ..."
    lines = [
        LeaverLine(case=case, assignment=a, description=device_description(a, on_loan=on_loan.get(a.pk, "")))
        for a in open_assignments
    ]
    # Returnable accessories held, one line per kind (consumables are never held, so never here).
    lines += [
        LeaverLine(
            case=case,
            accessory_kind=held.kind,
            accessory_quantity=held.quantity,
            description=f"{held.quantity} x {held.kind} ({held.kind.code})",
        )
        for held in accessories_held_by(person=person)
    ]
    lines += [
        LeaverLine(case=case, property_kind=kind, description=kind.name)
        for kind in LeaverPropertyKind.objects.filter(is_active=True)
    ]
    LeaverLine.objects.bulk_create(lines)
    label = LeaverCase.Source(source).label
    by = label[:1].lower() + label[1:]
    cancelled = device_requests_cancel_for_leaver(
        person=person, actor=actor, reason=f"{person.get_full_name()} leaves on {_day(leaving_date)}."
    )
    note = f"Leaving on {_day(leaving_date)}; set by {by}. {len(lines)} items."
    if cancelled:
        note += f" {cancelled} open device request{'s' if cancelled != 1 else ''} cancelled."
    event(case, LeaverEvent.Kind.OPENED, actor, note)
    _arm_steps(case)
    timers.fire_due(case.steps.all())
    case.refresh_from_db()
    return case


def device_description(assignment: Assignment, *, on_loan: str = "") -> str:
    """A device line's words: "iPad 10 (KB000123)", and ", on loan, due back ..." for a loan."""
    device = assignment.device
    return (f"{device.model} ({device.asset_tag})" + (f", {on_loan}" if on_loan else ""))[:200]


def _move(case: LeaverCase, leaving_date: datetime.date, *, actor: User | None, reason: str) -> LeaverCase:
    if case.leaving_date == leaving_date:
        return case
    before = case.leaving_date
    case.leaving_date = leaving_date
    case.save(update_fields=["leaving_date"])
    note = f"From {_day(before)} to {_day(leaving_date)}." + (f" {reason.strip()}" if reason.strip() else "")
    event_row = event(case, LeaverEvent.Kind.DATE_MOVED, actor, note)
    re_armed = _arm_steps(case)
    if re_armed:
        event_row.note = f"{note} {re_armed} step{'s' if re_armed != 1 else ''} re-armed for the new date."
        event_row.save(update_fields=["note"])
    timers.fire_due(case.steps.all())
    case.refresh_from_db()
    return case


def _cancel(case: LeaverCase, *, actor: User | None, reason: str) -> LeaverCase:
    reason = (reason or "").strip()
    if not reason:
        raise LeaverError("Say why the leaving date is removed: the leaver case is cancelled with the reason.")
    case.status = LeaverCase.Status.CANCELLED
    case.cancelled_at = timezone.now()
    case.cancel_reason = reason
    case.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    timers.cancel(case.steps.all(), reason="Leaver case cancelled")
    event(case, LeaverEvent.Kind.CANCELLED, actor, f"Leaving date removed: {reason}")
    return case


def _closed_case_date(
    case: LeaverCase, leaving_date: datetime.date | None, *, actor: User | None, reason: str
) -> LeaverCase:
    """A closed case keeps its lines; a new date only moves the day they are deactivated, and no
    date means they stay (the case stays closed and nobody deactivates them)."""
    if leaving_date == case.leaving_date:
        return case
    if leaving_date is None:
        note = "Leaving date removed after the case closed: they stay, and are not deactivated."
    else:
        case.leaving_date = leaving_date
        case.save(update_fields=["leaving_date"])
        note = f"Leaving date moved to {_day(leaving_date)} after the case closed."
    event(case, LeaverEvent.Kind.DATE_MOVED, actor, note + (f" {reason.strip()}" if reason.strip() else ""))
    return case


def _arm_steps(case: LeaverCase) -> int:
    """Store the ladder's steps for the case's leaving date. A step fired or cancelled stays so
    while its new day is past; one whose new day is in the future (a date corrected later) is armed
    again. Of the steps already past (late notice, or a date moved nearer), one whose actions a
    later past step also carries out is cancelled, so nobody hears the same reminder twice at
    once; the rest fire now. Returns how many fired or cancelled steps were armed again."""
    now = timers.current_time()
    existing = {s.step: s for s in LeaverStep.objects.filter(case=case)}
    rows = []
    re_armed = 0
    for r in leaver_ladder.ladder():
        row = existing.get(r.step) or LeaverStep(case=case, step=r.step)
        due = leaver_ladder.due_at(case.leaving_date, r)
        if row.fired_at is not None or (row.pk is not None and row.cancelled_at is not None):
            if due <= now:
                continue
            row.fired_at, row.cancelled_at, row.cancel_reason = None, None, ""
            re_armed += 1
        row.due_at = due
        rows.append((row, r))
    past = [(row, r) for row, r in rows if row.due_at <= now]
    for index, (row, r) in enumerate(past):
        if any(set(r.actions) <= set(later.actions) for _, later in past[index + 1 :]):
            row.cancelled_at, row.cancel_reason = now, "Already past when the date was set; a later step covers it"
    LeaverStep.objects.bulk_create([row for row, _ in rows if row.pk is None])
    LeaverStep.objects.bulk_update(
        [row for row, _ in rows if row.pk is not None], ["due_at", "fired_at", "cancelled_at", "cancel_reason"]
    )
    return re_armed


@transaction.atomic
def leaver_assignment_added(*, assignment: Assignment, actor: User, holder_locked: bool = False) -> LeaverLine | None:
    """A device issued to someone with an open case joins it (called by devices.core.services).
    `holder_locked`: the caller locked the holder's row in this transaction already."""
    # The holder's row, as leaver_date_set locks it: a case opening at this moment either lists
    # this assignment or is seen here, never neither.
    if not holder_locked:
        User.objects.select_for_update().filter(pk=assignment.holder_id).first()
    open_case = LeaverCase.objects.filter(person_id=assignment.holder_id, status=LeaverCase.Status.OPEN).first()
    if open_case is None:
        return None
    case = lock_case(open_case.pk)
    line = LeaverLine.objects.create(case=case, assignment=assignment, description=device_description(assignment))
    event(case, LeaverEvent.Kind.LINE_ADDED, actor, f"{line.description} issued after the case opened.", line=line)
    return line


def leaver_line_lent(*, assignment: Assignment, on_loan: str) -> int:
    """A device issued to a leaver (its line added as it was issued) turned out to be lent: the open
    case's line for it says "on loan, due back ...". Returns how many lines changed (0 or 1)."""
    lines = list(LeaverLine.objects.filter(assignment=assignment, case__status=LeaverCase.Status.OPEN))
    for line in lines:
        line.description = device_description(assignment, on_loan=on_loan)
    LeaverLine.objects.bulk_update(lines, ["description"])
    return len(lines)
