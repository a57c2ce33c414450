"""Carrying out a loan's reminder and escalations (registered with portal.timers; the ladder is
devices.loans.ladder). A loan that has ended since is left alone: its steps were cancelled, and a
step fired in the same instant finds it ended."""

import logging

from django.urls import reverse
from django.utils.formats import date_format

from devices.loans import ladder as loan_ladder
from devices.loans.models import Loan, LoanStep
from portal import timers
from portal.models import User
from portal.services import notify

logger = logging.getLogger(__name__)


def loan_step_fire(step: LoanStep) -> None:
    """Carry out one fired step (called by portal.timers inside the firing transaction, with the loan locked)."""
    loan = timers.step_owner(
        step, Loan.objects.select_related("holder__supervisor", "device__model", "tech_bar", "stands_in_for")
    )
    rung = loan_ladder.rung(step.step)
    if rung is None:
        logger.warning("loan step %s of loan %s is not in the ladder; nothing sent", step.step, loan.pk)
        return
    if loan.ended_at is not None:
        return
    for action in rung.actions:
        loan_ladder.ACTIONS.run(action, loan, step)


def _what(loan: Loan) -> str:
    return f"{loan.device.model} {loan.device.asset_tag}"


def _due(loan: Loan) -> str:
    return date_format(loan.due_back, "l j F Y")


def _tell(person: User | None, subject: str, body: str, url: str, step: LoanStep) -> None:
    if person is not None and person.is_active:
        notify(recipient=person, subject=subject, body=body, url=url, cause=step)


@loan_ladder.ACTIONS.action("remind_borrower", "remind the borrower the loan is due back")
def _remind_borrower(loan: Loan, step: LoanStep) -> None:
    _tell(
        loan.holder,
        f"Reminder: the {_what(loan)} lent to you is due back on {_due(loan)}",
        f"Please bring it back to {loan.tech_bar} by {_due(loan)}, or ask the Tech Bar to extend the loan.",
        reverse("devices:my_kit"),
        step,
    )


@loan_ladder.ACTIONS.action("tell_borrower_overdue", "tell the borrower the loan is overdue")
def _tell_borrower_overdue(loan: Loan, step: LoanStep) -> None:
    _tell(
        loan.holder,
        f"Overdue: the {_what(loan)} lent to you was due back on {_due(loan)}",
        f"Please bring it back to {loan.tech_bar} as soon as you can. Your supervisor has been told.",
        reverse("devices:my_kit"),
        step,
    )


@loan_ladder.ACTIONS.action("tell_supervisor_overdue", "tell the borrower's supervisor")
def _tell_supervisor_overdue(loan: Loan, step: LoanStep) -> None:
    _tell(
        loan.holder.supervisor,
        f"Overdue loan: {loan.holder.get_full_name()} has not returned the {_what(loan)}",
        f"{loan.holder} borrowed it from {loan.tech_bar}; it was due back on {_due(loan)}. "
        "Please ask them to bring it back.",
        "",
        step,
    )


@loan_ladder.ACTIONS.action("escalate_tech_bar_leads", "escalate to the Tech Bar's leads")
def _escalate_tech_bar_leads(loan: Loan, step: LoanStep) -> None:
    url = f"{reverse('devices:loans_overdue')}?tech_bar={loan.tech_bar_id}"
    for lead in loan.tech_bar.leads.filter(is_active=True):
        _tell(
            lead,
            f"Overdue loan at {loan.tech_bar}: {_what(loan)} lent to {loan.holder.get_full_name()}",
            f"{loan.holder} ({loan.holder.command_unit or 'no unit'}) was due to bring it back on {_due(loan)}. "
            "They and their supervisor have been told.",
            url,
            step,
        )
