"""Helpers for the loan tests: a pool device at a Tech Bar, and a loan made at its counter."""

import datetime

from devices.counter import services as counter_services
from devices.loans import services as loan_services
from devices.models import Loan


def pool_device(make_device, bar, staff, **fields):
    device = make_device(tech_bar=bar, **fields)
    loan_services.loan_pool_add(device=device, tech_bar=bar, actor=staff)
    return device


def lend(device, holder, *, due_back: datetime.date, bar, staff, take_back=()) -> Loan:
    """Hand `device` to `holder` at `bar`'s counter as a loan due back on `due_back`."""
    visit = counter_services.counter_visit_confirm(
        person=holder,
        actor=staff,
        tech_bar=bar,
        basket=counter_services.CounterBasket(take_back=list(take_back), hand_over=[device]),
        loans={device.pk: due_back},
    )
    return visit.loans.get()
