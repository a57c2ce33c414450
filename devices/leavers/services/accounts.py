"""Deactivating leavers (never deleting them: their history stays) and reactivating rehires."""

import datetime
from contextlib import nullcontext

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from devices.leavers.models import LeaverCase, LeaverEvent
from devices.leavers.services.common import LeaverError, LeaverNotAllowed, event
from portal.models import User
from portal.permissions import is_portal_admin
from portal.services import person_history_record


def _latest_case(person: User) -> LeaverCase | None:
    return LeaverCase.objects.select_for_update().filter(person=person).order_by("-opened_at", "-pk").first()


def _deactivate(person: User, case: LeaverCase | None, *, actor: User | None, note: str) -> User:
    with set_actor(actor) if actor is not None else nullcontext():
        person.is_active = False
        person.save(update_fields=["is_active"])
        person_history_record(person=person, source="leavers")
    if case is not None:
        if case.deactivated_at is None:
            case.deactivated_at = timezone.now()
            case.save(update_fields=["deactivated_at"])
        event(case, LeaverEvent.Kind.DEACTIVATED, actor, note)
    return person


@transaction.atomic
def leaver_person_deactivate(*, person: User, actor: User, reason: str = "") -> User:
    """A Portal admin deactivates a leaver now. Once their case has closed and the leaving date
    has come no reason is needed; before then it is an override, and needs one."""
    if not is_portal_admin(actor):
        raise LeaverNotAllowed("Only a Portal admin deactivates a person.")
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise LeaverError(f"{person} is already deactivated.")
    if person.pk == actor.pk:
        raise LeaverError("You cannot deactivate yourself.")
    reason = (reason or "").strip()
    case = _latest_case(person)
    due = (
        case is not None
        and case.status == LeaverCase.Status.CLOSED
        and person.leaving_date is not None
        and person.leaving_date <= timezone.localdate()
    )
    if not due and not reason:
        raise LeaverError(
            "Their leaver case has not closed or their leaving date has not come: "
            "give the reason for deactivating them now."
        )
    note = f"Deactivated by a Portal admin before the case closed: {reason}" if not due else "Deactivated."
    if due and reason:
        note = f"Deactivated. {reason}"
    return _deactivate(person, case, actor=actor, note=note)


def leaver_people_deactivate_due(*, today: datetime.date | None = None) -> int:
    """The beat task's service: deactivate each person whose case has closed and whose leaving
    date has come. Never before the case closes (a Portal admin may override, with a reason)."""
    today = today or timezone.localdate()
    due = LeaverCase.objects.filter(
        status=LeaverCase.Status.CLOSED,
        deactivated_at__isnull=True,
        leaving_date__lte=today,
        person__is_active=True,
        person__leaving_date=F("leaving_date"),
    ).values_list("pk", "person_id")
    count = 0
    for pk, person_id in list(due):
        with transaction.atomic():
            # The person first, then the case: the order leaver_date_set takes them in.
            person = User.objects.select_for_update().get(pk=person_id)
            case = LeaverCase.objects.select_for_update().filter(pk=pk, deactivated_at__isnull=True).first()
            if case is None or not person.is_active or person.leaving_date != case.leaving_date:
                continue
            _deactivate(
                person, case, actor=None, note=f"Deactivated on their leaving date, {case.leaving_date:%d/%m/%Y}."
            )
            count += 1
    return count


@transaction.atomic
def leaver_person_reactivate(*, person: User, actor: User, reason: str) -> User:
    """A Portal admin reactivates a rehired person, with a reason. Their old case stays closed;
    a leaving date that has passed is cleared so that kit can be issued to them again."""
    if not is_portal_admin(actor):
        raise LeaverNotAllowed("Only a Portal admin reactivates a person.")
    reason = (reason or "").strip()
    if not reason:
        raise LeaverError("Give the reason for reactivating them (for example, rehired on a date).")
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise LeaverError(f"{person} is already active.")
    fields = ["is_active"]
    person.is_active = True
    still_open = LeaverCase.objects.filter(person=person, status=LeaverCase.Status.OPEN).exists()
    # An open case (deactivated by override before its kit came back) keeps its date: the kit is still chased.
    if not still_open and person.leaving_date is not None and person.leaving_date <= timezone.localdate():
        person.leaving_date = None
        fields.append("leaving_date")
    with set_actor(actor):
        person.save(update_fields=fields)
    person_history_record(person=person, source="leavers")
    case = _latest_case(person)
    if case is not None:
        event(case, LeaverEvent.Kind.REACTIVATED, actor, f"Reactivated: {reason}")
    return person
