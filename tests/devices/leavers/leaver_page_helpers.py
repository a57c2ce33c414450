"""Helpers for the leaver page tests (plain functions, shared without touching the devices conftest)."""

from devices.counter import services
from devices.leavers import services as leavers
from devices.models import Assignment, LeaverCase
from tests.factories import LeaverCaseFactory


def join_team(person, supervisor):
    person.supervisor = supervisor
    person.save(update_fields=["supervisor"])
    return person


def open_case(person, supervisor, leaving_date) -> LeaverCase:
    """The supervisor sets the leaving date: the case, as opened."""
    return LeaverCaseFactory(person=person, leaving_date=leaving_date, actor=supervisor)


def property_lines(case):
    return list(case.lines.filter(property_kind__isnull=False).order_by("pk"))


def device_line(case):
    return case.lines.get(assignment__isnull=False)


def end_every_line(case, *, actor, tech_bar):
    """Through the services: property received at the Tech Bar, each device returned at the counter."""
    for line in property_lines(case):
        leavers.leaver_line_property_receive(line=line, actor=actor, tech_bar=tech_bar)
    devices = [line.assignment.device for line in case.lines.filter(assignment__isnull=False)]
    services.counter_visit_confirm(
        person=case.person,
        actor=actor,
        tech_bar=tech_bar,
        basket=services.CounterBasket(
            take_back=[services.TakeBack(device, Assignment.ReturnReason.LEAVER, "") for device in devices]
        ),
    )
