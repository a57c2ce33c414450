"""Carrying out a leaver case's reminders and escalations (registered with portal.timers)."""

import logging

from django.utils.formats import date_format

from devices.core.models import TechBar
from devices.leavers import ladder as leaver_ladder
from devices.leavers.models import CommandUnitLead, LeaverCase, LeaverEvent, LeaverLine, LeaverStep
from devices.leavers.services.common import case_url, event
from portal import timers
from portal.models import User
from portal.services import notify

logger = logging.getLogger(__name__)


def leaver_step_fire(step: LeaverStep) -> None:
    """Carry out one fired step (called by portal.timers inside the firing transaction, with the
    case locked). Nothing outstanding: nothing is sent, except a supervisor's nudge to sign off."""
    case = timers.step_owner(step, LeaverCase.objects.select_related("person__supervisor"))
    rung = leaver_ladder.rung(step.step)
    items = _outstanding(case, step)
    if rung is None:
        logger.warning("leaver step %s of case %s is not in the configured ladder; nothing sent", step.step, case.pk)
        done = ["this step is no longer in the ladder, so nothing was sent"]
    elif case.status != LeaverCase.Status.OPEN:
        done = [f"the case is {case.get_status_display().lower()}, so nothing was sent"]
    elif not items and case.signed_off_at is not None:
        done = ["nothing outstanding, so nothing was sent"]
    elif not items:
        done = [_ask_sign_off(case, step)] if set(rung.actions) & leaver_ladder.SUPERVISOR_ACTIONS else []
        done = [d for d in done if d] or ["nothing outstanding, so nothing was sent"]
    else:
        done = [leaver_ladder.ACTIONS.run(action, case, step, items) for action in rung.actions]
    event(
        case, LeaverEvent.Kind.STEP_FIRED, None, f"{rung.description if rung else step.step}: " + "; ".join(done) + "."
    )


def _outstanding(case: LeaverCase, step: LeaverStep) -> list[LeaverLine]:
    """The case's outstanding lines, in the list's order. Read once for the whole batch of steps
    the sweep fires together (their cases are locked, and firing a step changes no line), rather
    than once for each step; outside a batch, for this case alone."""
    lines = timers.memo("devices.leavers.outstanding", lambda: _outstanding_lines(timers.batch_owner_ids(step)))
    return list(lines.get(case.pk, ()))


def _outstanding_lines(case_ids) -> dict[int, list[LeaverLine]]:
    found: dict[int, list[LeaverLine]] = {}
    lines = LeaverLine.objects.filter(case_id__in=case_ids, ended_at__isnull=True)
    for line in lines.select_related("assignment__device__model", "property_kind"):
        found.setdefault(line.case_id, []).append(line)
    return found


def _day(case: LeaverCase) -> str:
    return date_format(case.leaving_date, "j F Y")


def _list(items) -> str:
    return "\n".join(f"- {line.description}" for line in items)


def _days_left(case: LeaverCase, step: LeaverStep) -> int:
    return (case.leaving_date - step.fired_at.astimezone(leaver_ladder.zone()).date()).days


def _when(case: LeaverCase, step: LeaverStep, *, you: bool = False) -> str:
    """ "leaves in 3 days, on 13 June 2026", "left on 1 June 2026, 7 days ago" ("leave" for you)."""
    days = _days_left(case, step)
    leaves = "leave" if you else "leaves"
    if days > 1:
        return f"{leaves} in {days} days, on {_day(case)}"
    if days == 1:
        return f"{leaves} tomorrow, {_day(case)}"
    if days == 0:
        return f"{leaves} today, {_day(case)}"
    return f"left on {_day(case)}, {-days} day{'s' if days != -1 else ''} ago"


@leaver_ladder.ACTIONS.action("remind_leaver", "remind the leaver")
def _remind_leaver(case: LeaverCase, step: LeaverStep, items) -> str:
    person = case.person
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    notify(
        recipient=person,
        subject=(f"Before you leave: {count}" if _days_left(case, step) >= 0 else f"You still have {count}")
        + " to return",
        body=f"You {_when(case, step, you=True)}. Please return these to a Tech Bar "
        f"(or hand them to your supervisor):\n{_list(items)}",
        url=case_url(case),
        cause=step,
    )
    return f"reminded {person.get_full_name()} in the portal"


def _supervisor_message(case: LeaverCase, step: LeaverStep, items, *, escalation: bool) -> str:
    supervisor = case.person.supervisor
    if supervisor is None or not supervisor.is_active:
        return "no active supervisor on record to tell"
    if _told_by_a_later_step(case, step):
        return "their supervisor is told once, by the later step falling due at the same time"
    person = case.person
    if _days_left(case, step) < 0:
        subject = f"Overdue return: {person.get_full_name()} {_when(case, step)}, with {len(items)} item(s) outstanding"
    else:
        lead = "Escalation: " if escalation else ""
        subject = f"{lead}{person.get_full_name()} {_when(case, step)} with {len(items)} item(s) outstanding"
    notify(
        recipient=supervisor,
        subject=subject,
        body=f"{person} {_when(case, step)}. Still to return:\n{_list(items)}\n\n"
        "Please make sure they come back to a Tech Bar, then sign the case off.",
        url=case_url(case),
        cause=step,
    )
    return f"{'escalated to' if escalation else 'reminded'} their supervisor {supervisor.get_full_name()}"


def _told_by_a_later_step(case: LeaverCase, step: LeaverStep) -> bool:
    """Whether a later rung that also writes to the supervisor is due already (a date entered or
    moved into the past, or a sweep catching up): it fires in the same breath and says it all, so
    this one does not write to them too."""
    this = leaver_ladder.rung(step.step)
    later = {
        r.step
        for r in leaver_ladder.ladder()
        if this is not None and r.days > this.days and set(r.actions) & leaver_ladder.SUPERVISOR_ACTIONS
    }
    if not later:
        return False
    # One read for the whole batch of steps the sweep fires together (firing a leaver step
    # changes no step's due or cancelled time), rather than one for each step.
    steps = timers.memo("devices.leavers.supervisor_steps", lambda: _supervisor_steps(timers.batch_owner_ids(step)))
    return any(name in later and due_at <= step.fired_at for name, due_at in steps.get(case.pk, ()))


def _supervisor_steps(case_ids) -> dict[int, list]:
    """The steps not cancelled of these cases whose rungs write to the supervisor: case -> [(step, due_at)]."""
    names = [r.step for r in leaver_ladder.ladder() if set(r.actions) & leaver_ladder.SUPERVISOR_ACTIONS]
    found: dict[int, list] = {}
    rows = LeaverStep.objects.filter(case_id__in=case_ids, step__in=names, cancelled_at__isnull=True)
    for case_id, name, due_at in rows.values_list("case_id", "step", "due_at"):
        found.setdefault(case_id, []).append((name, due_at))
    return found


@leaver_ladder.ACTIONS.action("remind_supervisor", "remind their supervisor")
def _remind_supervisor(case, step, items) -> str:
    return _supervisor_message(case, step, items, escalation=False)


@leaver_ladder.ACTIONS.action("escalate_supervisor", "escalate to their supervisor")
def _escalate_supervisor(case, step, items) -> str:
    return _supervisor_message(case, step, items, escalation=True)


def _ask_sign_off(case: LeaverCase, step: LeaverStep) -> str:
    supervisor = case.person.supervisor
    if supervisor is None or not supervisor.is_active:
        return ""
    notify(
        recipient=supervisor,
        subject=f"{case.person.get_full_name()}'s leaver case is ready for your sign-off",
        body=f"Every item of {case.person} has been returned or accounted for. Please sign the case off.",
        url=case_url(case),
        cause=step,
    )
    return f"nothing outstanding; asked their supervisor {supervisor.get_full_name()} to sign off"


def tech_bar_leads_for(case: LeaverCase, items) -> list[User]:
    """The leads of the Tech Bars that issued the outstanding devices, or every lead if none."""
    bars = {line.assignment.issued_at_tech_bar_id for line in items if line.assignment_id is not None}
    leads = list(User.objects.filter(tech_bars_led__in=bars, is_active=True).distinct()) if bars else []
    # Every lead: the same for a whole batch of steps that the timer sweep fires together.
    return leads or timers.memo("devices.tech_bar_leads", _every_tech_bar_lead)


def _every_tech_bar_lead() -> list[User]:
    return list(
        User.objects.filter(tech_bars_led__in=TechBar.objects.filter(is_active=True), is_active=True).distinct()
    )


@leaver_ladder.ACTIONS.action("escalate_tech_bar_leads", "escalate to the Tech Bar leads")
def _escalate_tech_bar_leads(case: LeaverCase, step: LeaverStep, items) -> str:
    leads = tech_bar_leads_for(case, items)
    if not leads:
        return "no Tech Bar lead on record to tell"
    for lead in leads:
        notify(
            recipient=lead,
            subject=f"Leaver {case.person.get_full_name()} {_when(case, step)} with {len(items)} item(s) outstanding",
            body=f"{case.person} ({case.person.command_unit or 'no unit'}) {_when(case, step)}. "
            f"Still to return:\n{_list(items)}",
            url=case_url(case),
            cause=step,
        )
    return "escalated to the Tech Bar leads " + ", ".join(lead.get_full_name() for lead in leads)


@leaver_ladder.ACTIONS.action("escalate_command_unit_lead", "escalate to the command unit's lead as overdue")
def _escalate_command_unit_lead(case: LeaverCase, step: LeaverStep, items) -> str:
    unit = case.person.command_unit
    lead = timers.memo(("devices.leavers.command_unit_lead", unit), lambda: _command_unit_lead(unit)) if unit else None
    if lead is None or not lead.lead.is_active:
        return f"no command unit lead on record for {unit or 'their (empty) command unit'}"
    notify(
        recipient=lead.lead,
        subject=f"Overdue leaver: {case.person.get_full_name()} {_when(case, step)}",
        body=f"{case.person} of {unit} {_when(case, step)} and has not returned:\n{_list(items)}\n\n"
        "Their supervisor and the Tech Bar leads have already been told.",
        url=case_url(case),
        cause=step,
    )
    return f"escalated to the {unit} lead {lead.lead.get_full_name()} as overdue"


def _command_unit_lead(unit: str) -> CommandUnitLead | None:
    # Read once per unit for a batch of steps the sweep fires together.
    return CommandUnitLead.objects.select_related("lead").filter(command_unit=unit).first()
