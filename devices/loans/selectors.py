"""Reads about loans: a person's open loans (My kit, the counter), the due-back dates of
assignments (a leaver case's lines) and the overdue list (the dashboard's figures are in
devices.dashboard_selectors)."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from devices.loans.models import Loan
from portal.models import User


def loans_open_for(*, person: User) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(holder=person, ended_at__isnull=True)
        .select_related("device__model", "tech_bar", "stands_in_for")
        .order_by("due_back", "pk")
    )


def my_kit_loan_context(*, person: User, user: User) -> dict:
    """My kit: the loans I hold, each with its due-back date (devices.core.panels)."""
    return {"my_loans": list(loans_open_for(person=person)), "today": timezone.localdate()}


def counter_loan_context(*, person: User, user: User) -> dict:
    """The counter's person screen: what they borrowed and when it is due back (devices.core.panels)."""
    return {"open_loans": list(loans_open_for(person=person)), "today": timezone.localdate()}


def loan_words_by_assignment(assignment_ids: Iterable[int]) -> dict[int, str]:
    """{assignment id: "on loan, due back ..."} for those of `assignment_ids` that are open loans."""
    loans = Loan.objects.filter(assignment_id__in=list(assignment_ids), ended_at__isnull=True).select_related(
        "stands_in_for"
    )
    return {loan.assignment_id: loan.words for loan in loans}


def loans_overdue(*, today: datetime.date | None = None) -> QuerySet[Loan]:
    """Open loans past their due-back date, most overdue first ("days overdue" is `Loan.days_overdue`;
    filter on it as `due_back__lte=today - days`)."""
    today = today or timezone.localdate()
    return (
        Loan.objects.filter(ended_at__isnull=True, due_back__lt=today)
        .select_related("device__model", "holder__supervisor", "tech_bar")
        .order_by("due_back", "pk")
    )
