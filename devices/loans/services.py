"""Every write about loans: a device into or out of a Tech Bar's loan pool, a loan opened at the
counter (called by `devices.counter.services.counter_visit_confirm` after the device is issued, in
its transaction) and a loan ended when its device comes back or is reported lost (the custody
hooks, `devices.loans.hooks`). A loan writes its "lent" custody event in the counter's transaction
(its end is the "returned" or loss event the custody service writes); pool changes are recorded by
the audit log (django-auditlog, registered in DevicesConfig.ready())."""

import datetime

from auditlog.models import LogEntry
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from devices.core.models import Assignment, Device, DeviceEvent, TechBar
from devices.core.services import DeviceError
from devices.counter.models import CounterVisit
from devices.loans import ladder as loan_ladder
from devices.loans import moments
from devices.loans.models import IN_REPAIR_STATUSES, Loan, LoanPoolDevice, LoanStep
from portal import timers
from portal.models import User
from portal.services import notify

LONGEST_LOAN = datetime.timedelta(days=366)
# A device of the holder's own, brought back for one of these reasons and still in repair
# (IN_REPAIR_STATUSES): a loan of its kind stands in for it.
IN_REPAIR_REASONS = (Assignment.ReturnReason.FAULTY, Assignment.ReturnReason.DAMAGED)


class LoanError(DeviceError):
    """A loan refused: the counter shows it like any refusal of a custody change."""


def _day(day: datetime.date) -> str:
    return date_format(day, "l j F Y")


@transaction.atomic
def loan_pool_add(*, device: Device, tech_bar: TechBar, actor: User | None) -> LoanPoolDevice:
    """Mark a device as one of a Tech Bar's loan pool: from now on it is handed over only as a loan."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == Device.Status.DISPOSED:
        raise LoanError(f"{device.asset_tag} is disposed: it cannot join a loan pool.")
    pool, _ = LoanPoolDevice.objects.update_or_create(
        device=device, defaults={"tech_bar": tech_bar, "added_by": actor, "added_at": timezone.now()}
    )
    return pool


@transaction.atomic
def loan_pool_remove(*, device: Device, actor: User | None) -> None:
    """Take a device out of its loan pool (a loan open on it runs on until it comes back)."""
    LoanPoolDevice.objects.filter(device=device).delete()


def stands_in_for(*, person: User, device: Device) -> Device | None:
    """The person's own device of this device's kind that is in repair (brought back faulty or
    damaged, not yet back with them), which a loan of `device` would stand in for; or None."""
    last = (
        Assignment.objects.filter(
            holder=person,
            returned_at__isnull=False,
            return_reason__in=IN_REPAIR_REASONS,
            device__model__kind=device.model.kind,
        )
        .exclude(device=device)
        .select_related("device")
        .order_by("-returned_at", "-pk")
        .first()
    )
    if last is None or last.device.status not in IN_REPAIR_STATUSES:
        return None
    return last.device


def due_back_refusal(due_back: datetime.date | None, *, today: datetime.date | None = None) -> str:
    """Why a due-back date will not do ('' when it will): after today, within a year."""
    today = today or timezone.localdate()
    if due_back is None:
        return "Give the date it is due back."
    if due_back <= today:
        return f"The due-back date must be after today ({date_format(today, 'j F Y')})."
    if due_back > today + LONGEST_LOAN:
        return "A loan lasts at most a year: give an earlier due-back date."
    return ""


@transaction.atomic
def loan_open(
    *,
    assignment: Assignment,
    due_back: datetime.date,
    actor: User,
    tech_bar: TechBar,
    visit: CounterVisit | None = None,
) -> Loan:
    """A pool device just issued (`assignment`, in the caller's transaction) becomes a loan due back
    on `due_back`: its "lent" history row, and its reminder and escalations stored as steps."""
    device = assignment.device
    pool = LoanPoolDevice.objects.filter(device=device).select_related("tech_bar").first()
    if pool is None:
        raise LoanError(f"{device.asset_tag} is not in a loan pool: it is issued, not lent.")
    if pool.tech_bar_id != tech_bar.pk:
        raise LoanError(f"{device.asset_tag} is in the loan pool of {pool.tech_bar}, not of {tech_bar}.")
    refusal = due_back_refusal(due_back)
    if refusal:
        raise LoanError(f"{device.asset_tag}: {refusal}")
    if assignment.returned_at is not None:
        raise LoanError(f"{device.asset_tag} is not held: it cannot be lent.")
    loan = Loan.objects.create(
        assignment=assignment,
        device=device,
        holder=assignment.holder,
        tech_bar=tech_bar,
        lent_by=actor,
        due_back=due_back,
        visit=visit,
        stands_in_for=stands_in_for(person=assignment.holder, device=device),
    )
    DeviceEvent.objects.create(
        device=device,
        kind=DeviceEvent.Kind.LENT,
        actor=actor,
        holder=assignment.holder,
        tech_bar=tech_bar,
        from_status=device.status,
        to_status=device.status,
        counter_visit=visit,
        note=f"Lent, {loan.words}.",
    )
    LoanStep.objects.bulk_create(
        LoanStep(loan=loan, step=r.step, due_at=loan_ladder.due_at(due_back, r)) for r in loan_ladder.ladder()
    )
    moments.lent(loan=loan, actor=actor)
    return loan


def _lock_open_loan(assignment: Assignment) -> Loan | None:
    return Loan.objects.select_for_update().filter(assignment=assignment, ended_at__isnull=True).first()


@transaction.atomic
def loan_end(*, assignment: Assignment, reason: str) -> Loan | None:
    """The loan of this assignment ends (its device came back, or was reported lost or stolen): its
    pending steps are cancelled. None when the assignment was not a loan or its loan had ended."""
    loan = _lock_open_loan(assignment)
    if loan is None:
        return None
    loan.ended_at = timezone.now()
    loan.end_reason = reason[:200]
    loan.save(update_fields=["ended_at", "end_reason"])
    timers.cancel(loan.steps.all(), reason=reason[:200])
    return loan


def _arm_steps(loan: Loan) -> int:
    """Move the loan's steps to its due-back date: a step whose new instant is still to come is
    pending again (fired or cancelled before, it is re-armed); one already past stays as it was.
    Returns how many fired or cancelled steps were re-armed."""
    now = timers.current_time()
    existing = {s.step: s for s in LoanStep.objects.filter(loan=loan)}
    new, changed, re_armed = [], [], 0
    for r in loan_ladder.ladder():
        due = loan_ladder.due_at(loan.due_back, r)
        row = existing.get(r.step)
        if row is None:
            new.append(LoanStep(loan=loan, step=r.step, due_at=due))
            continue
        if due <= now:
            continue
        if row.fired_at is not None or row.cancelled_at is not None:
            row.fired_at, row.cancelled_at, row.cancel_reason = None, None, ""
            re_armed += 1
        row.due_at = due
        changed.append(row)
    LoanStep.objects.bulk_create(new)
    LoanStep.objects.bulk_update(changed, ["due_at", "fired_at", "cancelled_at", "cancel_reason"])
    return re_armed


@transaction.atomic
def loan_extend(*, loan: Loan, due_back: datetime.date, actor: User, reason: str = "") -> Loan:
    """A Tech Bar moves an open loan's due-back date: its reminder and escalations still to come
    move with it (those fired are armed again for the new date), the change is in the audit log
    with who made it, and the borrower is told (a notification and an email, through the outbox)."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.ended_at is not None:
        raise LoanError(f"The loan of {loan.device.asset_tag} has ended: there is nothing to extend.")
    refusal = due_back_refusal(due_back)
    if refusal:
        raise LoanError(refusal)
    if due_back == loan.due_back:
        raise LoanError(f"The loan is already due back on {_day(due_back)}.")
    before = loan.due_back
    loan.due_back = due_back
    loan.save(update_fields=["due_back"])
    re_armed = _arm_steps(loan)
    LogEntry.objects.log_create(
        loan,
        action=LogEntry.Action.UPDATE,
        changes={"due_back": [before.isoformat(), due_back.isoformat()]},
        actor=actor,
        additional_data={"extended": True, "reason": reason.strip()[:200], "steps_re_armed": re_armed},
    )
    device = loan.device
    notify(
        recipient=loan.holder,
        subject=f"Your loan of the {device.model} {device.asset_tag} now runs until {_day(due_back)}",
        body=f"{loan.tech_bar} has moved its due-back date from {_day(before)} to {_day(due_back)}."
        + (f" {reason.strip()}" if reason.strip() else ""),
        url=reverse("devices:my_kit"),
        cause=loan,
    )
    return loan


def lend_check(*, devices: list[Device], loans: dict[int, datetime.date], tech_bar: TechBar) -> None:
    """Refuse a hand-over that lends a device not in this Tech Bar's pool, or hands over a pool
    device without a due-back date (it is only ever lent)."""
    pooled = (
        dict(LoanPoolDevice.objects.filter(device__in=devices).values_list("device_id", "tech_bar_id"))
        if devices
        else {}
    )
    for device in devices:
        if device.pk in loans and pooled.get(device.pk) != tech_bar.pk:
            raise LoanError(f"{device.asset_tag} is not in the loan pool of {tech_bar}: it is issued, not lent.")
        if device.pk in pooled and device.pk not in loans:
            raise LoanError(f"{device.asset_tag} is a loan pool device: give the date it is due back.")
        if device.pk in loans:
            refusal = due_back_refusal(loans[device.pk])
            if refusal:
                raise LoanError(f"{device.asset_tag}: {refusal}")
