"""Ending a case's lines (returned, lost, written off), the supervisor's sign-off and closing."""

from django.db import transaction
from django.utils import timezone

from devices import permissions
from devices.accessories.services import accessory_holding_end
from devices.core.models import Assignment, Device, TechBar
from devices.leavers.models import LeaverCase, LeaverEvent, LeaverLine
from devices.leavers.services.common import LeaverError, LeaverNotAllowed, event, lock_case, outstanding
from devices.losses.services.losses import device_report_lost
from devices.losses.services.remote import remote_actions_request_for_write_off
from portal import timers
from portal.models import User


def _lock_line(line: LeaverLine) -> tuple[LeaverCase, LeaverLine]:
    """Lock the case, then the line, and refuse a line that has ended or a case not open."""
    case = lock_case(line.case_id)
    line = (
        LeaverLine.objects.select_for_update(of=("self",))
        .select_related("assignment__device", "property_kind")
        .get(pk=line.pk)
    )
    if line.ended_at is not None:
        raise LeaverError(_already_ended(line))
    if case.status != LeaverCase.Status.OPEN:
        raise LeaverError(f"This leaver case is {case.get_status_display().lower()}: its items cannot change.")
    return case, line


def _already_ended(line: LeaverLine) -> str:
    if line.outcome == LeaverLine.Outcome.RETURNED:
        where = f" at {line.received_at_tech_bar}" if line.received_at_tech_bar_id else ""
        return f"{line.description} was already returned{where}."
    return f"{line.description} has already ended: {line.get_outcome_display().lower()}."


def _end(
    case: LeaverCase,
    line: LeaverLine,
    *,
    outcome: str,
    actor: User,
    tech_bar: TechBar | None = None,
    reason: str = "",
    approved_by: User | None = None,
) -> LeaverLine:
    line.outcome = outcome
    line.ended_at = timezone.now()
    line.ended_by = actor
    line.received_at_tech_bar = tech_bar
    line.reason = reason
    line.approved_by = approved_by
    line.save(update_fields=["outcome", "ended_at", "ended_by", "received_at_tech_bar", "reason", "approved_by"])
    where = f" at {tech_bar}" if tech_bar is not None else ""
    note = f"{line.description}: {line.get_outcome_display().lower()}{where}." + (f" {reason}" if reason else "")
    event(case, LeaverEvent.Kind.LINE_ENDED, actor, note, line=line)
    if case.signed_off_at is not None and not outstanding(case).exists():
        _close(case, actor=actor)
    return line


@transaction.atomic
def leaver_line_property_receive(*, line: LeaverLine, actor: User, tech_bar: TechBar | None = None) -> LeaverLine:
    """Tech Bar staff tick off a property item received at their counter (or the supervisor,
    with no Tech Bar, an item handed to them). It ends returned."""
    case, line = _lock_line(line)
    if line.is_device:
        raise LeaverError(f"{line.description} is a device: it ends when it is checked in at a Tech Bar counter.")
    if line.accessory_kind_id is not None:
        raise LeaverError(f"{line.description}: accessories end when the counter takes them back (with a quantity).")
    if tech_bar is None and not permissions.can_sign_off_leaver_case(actor, case):
        raise LeaverNotAllowed("Only the leaver's supervisor records property handed to them.")
    if tech_bar is not None and not permissions.can_receive_leaver_items(actor):
        raise LeaverNotAllowed("Only Tech Bar staff receive property at a Tech Bar.")
    return _end(case, line, outcome=LeaverLine.Outcome.RETURNED, actor=actor, tech_bar=tech_bar)


@transaction.atomic
def leaver_line_hand_to_supervisor(*, line: LeaverLine, actor: User) -> LeaverLine:
    """The supervisor records an item handed to them. A property item ends returned; a device
    stays outstanding (marked as with the supervisor) until it is checked in at a Tech Bar."""
    case, line = _lock_line(line)
    if not permissions.can_sign_off_leaver_case(actor, case):
        raise LeaverNotAllowed("Only the leaver's supervisor records items handed to them.")
    if not line.is_device:
        line.handed_to_supervisor_at, line.handed_to_supervisor_by = timezone.now(), actor
        line.save(update_fields=["handed_to_supervisor_at", "handed_to_supervisor_by"])
        return _end(case, line, outcome=LeaverLine.Outcome.RETURNED, actor=actor)
    if line.handed_to_supervisor_at is not None:
        raise LeaverError(f"{line.description} is already with the supervisor.")
    line.handed_to_supervisor_at, line.handed_to_supervisor_by = timezone.now(), actor
    line.save(update_fields=["handed_to_supervisor_at", "handed_to_supervisor_by"])
    event(
        case,
        LeaverEvent.Kind.LINE_HANDED,
        actor,
        f"{line.description} handed to {actor.get_full_name()}: it ends when checked in at a Tech Bar.",
        line=line,
    )
    return line


@transaction.atomic
def leaver_line_lost(*, line: LeaverLine, actor: User, details: str = "") -> LeaverLine:
    """An item that cannot be returned because it is lost. A device goes through the lost flow
    (devices.losses.services.losses), which opens the security incident; a property item simply ends lost."""
    details = (details or "").strip()
    if line.assignment_id is not None:
        # The device's lock before the case's, as the counter's return takes them.
        Device.objects.select_for_update(of=("self",)).filter(assignments__pk=line.assignment_id).first()
    case, line = _lock_line(line)
    if not (permissions.can_sign_off_leaver_case(actor, case) or permissions.can_receive_leaver_items(actor)):
        raise LeaverNotAllowed("Only the leaver's supervisor or Tech Bar staff record an item lost.")
    if line.is_device:
        if not details:
            raise LeaverError(f"Say where {line.description} was lost: the security incident needs it.")
        device_report_lost(
            device=line.assignment.device,
            actor=actor,
            holder=case.person,
            kind="lost",
            noticed_at=timezone.now(),
            where=details,
        )  # ends the line too (leaver_assignment_lost), as any loss report of a leaver's device does
        line.refresh_from_db()
        return line
    if line.accessory_kind_id is not None:
        accessory_holding_end(person=case.person, kind=line.accessory_kind, actor=actor, outcome="Lost", note=details)
    return _end(case, line, outcome=LeaverLine.Outcome.LOST, actor=actor, reason=details)


def _open_line_of(assignment: Assignment) -> LeaverLine | None:
    """The open case's line still waiting for this assignment's device, if any."""
    return (
        LeaverLine.objects.filter(assignment=assignment, ended_at__isnull=True, case__status=LeaverCase.Status.OPEN)
        .only("pk", "case_id")
        .first()
    )


def leaver_assignment_lost(*, assignment: Assignment, actor: User, details: str) -> LeaverLine | None:
    """A leaver's device reported lost or stolen (by them, at the counter or from their case)
    ends its line as lost (called by devices.losses.services.losses inside its transaction, device locked)."""
    line = _open_line_of(assignment)
    if line is None:
        return None
    case, line = _lock_line(line)
    return _end(case, line, outcome=LeaverLine.Outcome.LOST, actor=actor, reason=details)


@transaction.atomic
def leaver_line_write_off(*, line: LeaverLine, actor: User, reason: str) -> LeaverLine:
    """End an item that will not come back, with a reason; the actor (a Tech Bar lead or a
    Portal admin) is the approver."""
    reason = (reason or "").strip()
    if permissions.is_own_case(actor, line.case):
        raise LeaverNotAllowed("Nobody writes off items of their own leaver case: another lead or admin approves it.")
    if not permissions.can_write_off(actor):
        raise LeaverNotAllowed("Only a Tech Bar lead or a Portal admin writes an item off.")
    if not reason:
        raise LeaverError("Give the reason for writing it off.")
    if line.assignment_id is not None:
        Device.objects.select_for_update(of=("self",)).filter(assignments__pk=line.assignment_id).first()
    case, line = _lock_line(line)
    if line.accessory_kind_id is not None:
        accessory_holding_end(
            person=case.person, kind=line.accessory_kind, actor=actor, outcome="Written off", note=reason
        )
    line = _end(case, line, outcome=LeaverLine.Outcome.WRITTEN_OFF, actor=actor, reason=reason, approved_by=actor)
    if line.assignment_id is not None:
        # It will not come back: what is on it is blocked and wiped as for a lost device.
        remote_actions_request_for_write_off(device=line.assignment.device, actor=actor, reason=reason)
    return line


def leaver_assignment_returned(*, assignment: Assignment, actor: User, tech_bar: TechBar) -> LeaverLine | None:
    """A device checked in at a counter ends its line (called by devices.core.services.device_return,
    inside its transaction, with the device locked)."""
    line = _open_line_of(assignment)
    if line is None:
        return None
    case, line = _lock_line(line)
    return _end(case, line, outcome=LeaverLine.Outcome.RETURNED, actor=actor, tech_bar=tech_bar)


def leaver_accessories_returned(*, person: User, kind, remaining: int, actor: User, tech_bar: TechBar) -> None:
    """Accessories taken back at a counter: once the leaver holds none of the kind, its line ends
    returned (called by devices.accessories.services inside its transaction)."""
    if remaining:
        return
    line = LeaverLine.objects.filter(
        case__person=person, case__status=LeaverCase.Status.OPEN, accessory_kind=kind, ended_at__isnull=True
    ).first()
    if line is None:
        return
    case, line = _lock_line(line)
    _end(case, line, outcome=LeaverLine.Outcome.RETURNED, actor=actor, tech_bar=tech_bar)


def leaver_case_is_open(person_id: int) -> bool:
    """Whether the person has an open case (the counter's return reason defaults to "leaver")."""
    return LeaverCase.objects.filter(person_id=person_id, status=LeaverCase.Status.OPEN).exists()


def refuse_leaver_device_returned_twice(device: Device) -> None:
    """A leaver's device checked in at two counters at once: the second (which finds nothing
    open once it has the device's lock) hears that it is already back, and where."""
    last = Assignment.objects.filter(device=device).select_related("holder").order_by("-issued_at").first()
    line = (
        LeaverLine.objects.filter(assignment=last, outcome=LeaverLine.Outcome.RETURNED)
        .select_related("received_at_tech_bar")
        .first()
        if last is not None
        else None
    )
    if line is not None:
        where = f" at {line.received_at_tech_bar}" if line.received_at_tech_bar_id else ""
        raise LeaverError(
            f"{device.asset_tag} was already returned{where} for {last.holder.get_full_name()}'s leaver case."
        )


@transaction.atomic
def leaver_case_sign_off(*, case: LeaverCase, actor: User) -> LeaverCase:
    """The supervisor (or a Portal admin) signs the case off. It closes now if every line has
    ended, or when the last one does."""
    case = lock_case(case.pk)
    if permissions.is_own_case(actor, case):
        raise LeaverNotAllowed("Nobody signs off their own leaver case: their supervisor or a Portal admin does.")
    if not permissions.can_sign_off_leaver_case(actor, case):
        raise LeaverNotAllowed("Only the leaver's supervisor or a Portal admin signs off a leaver case.")
    if case.status != LeaverCase.Status.OPEN:
        raise LeaverError(f"This leaver case is {case.get_status_display().lower()}.")
    if case.signed_off_at is not None:
        raise LeaverError(f"Already signed off by {case.signed_off_by.get_full_name()}.")
    case.signed_off_at, case.signed_off_by = timezone.now(), actor
    case.save(update_fields=["signed_off_at", "signed_off_by"])
    left = outstanding(case).count()
    event(
        case,
        LeaverEvent.Kind.SIGNED_OFF,
        actor,
        "Signed off." + (f" {left} item(s) still to end before the case closes." if left else ""),
    )
    if not left:
        _close(case, actor=actor)
    return case


def _close(case: LeaverCase, *, actor: User | None) -> None:
    """Every line has ended and the supervisor has signed off: the case closes and the person is
    ready for account closure (the event other systems read). The rest of the ladder stops."""
    now = timezone.now()
    timers.cancel(case.steps.all(), reason="Leaver case closed")
    case.status = LeaverCase.Status.CLOSED
    case.closed_at = now
    case.ready_for_account_closure_at = now
    case.save(update_fields=["status", "closed_at", "ready_for_account_closure_at"])
    event(
        case,
        LeaverEvent.Kind.CLOSED,
        actor,
        "Every item has ended and the case is signed off: ready for account closure.",
    )
