"""The figures for a past instant never change when kit moves today: take the figures as of the end
of yesterday, then issue, return, swap and lose devices and move people between teams and units
today through the real services, and take them again: the same CSV, byte for byte. Runs on SQLite
and, in the PostgreSQL leg, on PostgreSQL."""

import datetime

import pytest

from devices.counter import services as counter
from devices.figures.forms import end_of_local_day
from devices.figures.render import csv_text, export_rows
from devices.figures.selectors import answer_figures
from devices.losses.services import losses
from devices.models import Device
from portal.services import person_update
from tests.devices.figures.history import issued, received, stood
from tests.factories import DeviceFactory, DeviceModelFactory, TechBarFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)


def _day(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 6, day, hour, tzinfo=datetime.UTC)


def _csv(as_of, unit: str = "") -> str:
    figures = answer_figures(as_of=as_of, command_unit=unit, range_start=_day(1, 0), range_end=as_of)
    return csv_text(export_rows(figures, reference="01.FOI.26.000001"))


def test_figures_as_of_yesterday_are_the_same_bytes_after_todays_custody_and_team_changes(
    freeze_clock, portal_admin, tech_bar_staff
):
    with freeze_clock(TODAY) as clock:
        bar = TechBarFactory()
        phone = DeviceModelFactory(
            make="Samsung", model_name="XCover", kind="smartphone", operating_system="Android 15"
        )
        tablet = DeviceModelFactory(make="Apple", model_name="iPad", kind="tablet", operating_system="iPadOS 18")
        ann, bob, cat = (UserFactory(command_unit="North", team="Response A") for _ in range(3))
        for person in (ann, bob, cat):
            stood(person, _day(1, 0), unit="North", team="Response A")
        held = []
        for n, person in enumerate((ann, bob, cat)):
            device = DeviceFactory(model=phone if n < 2 else tablet, tech_bar=bar)
            received(device, _day(1), actor=tech_bar_staff)
            issued(device, person, _day(2 + n), actor=tech_bar_staff)
            Device.objects.filter(pk=device.pk).update(status=Device.Status.ISSUED, tech_bar=None)
            held.append(device)
        spares = [DeviceFactory(model=phone, tech_bar=bar) for _ in range(2)]
        for device in spares:
            received(device, _day(1), actor=tech_bar_staff)
        yesterday = end_of_local_day(datetime.date(2026, 6, 9))
        before, before_north = _csv(yesterday), _csv(yesterday, "North")

        # Today: a return, a swap, a loss, an issue, and people moving team and unit.
        d1, d2, d3 = (Device.objects.get(pk=d.pk) for d in held)
        counter.counter_visit_confirm(
            person=ann,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=counter.CounterBasket(take_back=[counter.TakeBack(d1, "faulty")]),
        )
        counter.counter_visit_confirm(
            person=bob,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=counter.CounterBasket(take_back=[counter.TakeBack(d2, "faulty")], hand_over=[spares[0]]),
        )
        losses.device_report_lost(device=d3, actor=cat, kind="lost", noticed_at=TODAY, where="On the bus")
        counter.counter_visit_confirm(
            person=ann, actor=tech_bar_staff, tech_bar=bar, basket=counter.CounterBasket(hand_over=[spares[1]])
        )
        bob.team = "Neighbourhood 1"
        person_update(person=bob, actor=portal_admin, source="admin")
        cat.command_unit, cat.team, cat.rank_or_grade = "South", "Response B", "Police Staff"
        person_update(person=cat, actor=portal_admin, source="admin")
        clock.shift(3600)
        after, after_north = _csv(yesterday), _csv(yesterday, "North")
        today = _csv(TODAY + datetime.timedelta(minutes=30))

    assert after == before
    assert after_north == before_north  # the unit's status and activity tables too
    assert today != before  # today's changes are in today's figures
