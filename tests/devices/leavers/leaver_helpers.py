"""Helpers for the leaver tests (plain functions, so the leaver test modules share them without
touching the devices conftest)."""

import datetime

from django.utils import timezone

from devices.models import LeaverCase
from portal.models import Role
from tests.factories import LeaverCaseFactory, UserFactory

PROPERTY = ["Warrant or ID card", "Radio", "Body-worn camera", "Access fob", "Other"]


def team(*, unit: str = "North"):
    """A supervisor and one officer of their team (who holds nothing yet)."""
    sergeant = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR], rank_or_grade="Sergeant", command_unit=unit)
    officer = UserFactory(roles=[Role.OFFICER], supervisor=sergeant, command_unit=unit)
    return sergeant, officer


def leaving_in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def open_case(person, supervisor, *, days: int = 30) -> LeaverCase:
    """The supervisor sets a leaving date `days` from today: the case, as opened."""
    return LeaverCaseFactory(person=person, leaving_date=leaving_in(days), actor=supervisor)


def descriptions(case: LeaverCase) -> list[str]:
    return [line.description for line in case.lines.order_by("pk")]
