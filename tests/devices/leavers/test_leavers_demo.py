"""The issue's "Done when" walk on `make run`'s demo data, through the services the pages call:
SUP001 sets a leaving date for OFF001 (who holds a phone and a laptop), the reminders appear,
TB001 checks both devices in and ticks off the property at the counter, SUP001 signs off and the
case closes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from devices.counter import services
from devices.leavers import services as leavers
from devices.models import CommandUnitLead, Device, LeaverCase, TechBar
from portal.models import Notification, User

pytestmark = pytest.mark.django_db


def test_the_leaver_walk_on_the_demo_data(frozen):
    call_command("seed_demo", stdout=io.StringIO())
    officer, sergeant, tb001 = (User.objects.get(payroll_number=p) for p in ("OFF001", "SUP001", "TB001"))
    hq = TechBar.objects.get(code="hq")
    assert list(hq.leads.all()) == [tb001]
    assert CommandUnitLead.objects.filter(command_unit=officer.command_unit).exists()
    held = Device.objects.filter(assignments__holder=officer, assignments__returned_at__isnull=True)
    assert sorted(held.values_list("model__kind", flat=True)) == ["laptop", "smartphone"]

    case = leavers.leaver_date_set(
        person=officer,
        leaving_date=timezone.localdate() + datetime.timedelta(days=10),
        actor=sergeant,
        source=LeaverCase.Source.SUPERVISOR,
    )

    # Ten days' notice: the 14-day reminder is already due, so it is in both notification lists.
    for person in (officer, sergeant):
        assert Notification.objects.filter(recipient=person, body__contains="Access fob").exists()

    services.counter_visit_confirm(
        person=officer,
        actor=tb001,
        tech_bar=hq,
        basket=services.CounterBasket(take_back=[services.TakeBack(device, "") for device in held]),
    )
    for line in case.lines.filter(property_kind__isnull=False):
        leavers.leaver_line_property_receive(line=line, actor=tb001, tech_bar=hq)
    leavers.leaver_case_sign_off(case=case, actor=sergeant)

    case.refresh_from_db()
    assert case.status == LeaverCase.Status.CLOSED and case.ready_for_account_closure_at
    assert set(case.lines.values_list("outcome", flat=True)) == {"returned"}
