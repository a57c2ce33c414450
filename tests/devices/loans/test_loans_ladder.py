"""A loan's ladder on a controlled clock: a reminder the working day before the due-back date,
overdue the working day after (the borrower and their supervisor) and the Tech Bar's leads three
working days after, each at 09:00 London time, over weekends, bank holidays and clock changes.
Returning the device ends the ladder."""

import datetime
from datetime import UTC

import pytest

from devices.counter import services as counter_services
from devices.loans import ladder as loan_ladder
from devices.models import LoanStep
from portal import timers
from portal.models import Notification, OutboundEmail
from tests.devices.loans.loan_helpers import lend, pool_device
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LONDON = loan_ladder.zone()


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON).astimezone(UTC)


def _subjects(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("subject", flat=True))


@pytest.fixture
def borrower(officer, supervisor):
    officer.supervisor = supervisor
    officer.save(update_fields=["supervisor"])
    return officer


@pytest.fixture
def lead(bar):
    person = UserFactory()
    bar.leads.add(person)
    return person


def test_loan_steps_are_under_the_sweep_and_the_ladder_is_sound():
    assert timers.timer_for(LoanStep._meta.label).owner_field == "loan"
    assert loan_ladder.problems() == []


@pytest.mark.parametrize(
    ("due_back", "expected", "why"),
    [
        (
            datetime.date(2026, 3, 30),
            [_local(2026, 3, 27, 9), _local(2026, 3, 31, 9), _local(2026, 4, 2, 9)],
            "due Monday: reminder Friday 27th over the weekend; leads on Thursday before Good Friday",
        ),
        (
            datetime.date(2026, 10, 26),
            [_local(2026, 10, 23, 9), _local(2026, 10, 27, 9), _local(2026, 10, 29, 9)],
            "over the October clock change: 09:00 BST before, 09:00 GMT after",
        ),
        (
            datetime.date(2026, 4, 2),
            [_local(2026, 4, 1, 9), _local(2026, 4, 7, 9), _local(2026, 4, 9, 9)],
            "Good Friday and Easter Monday are not working days",
        ),
    ],
)
def test_rungs_fall_due_on_working_days_at_nine_london_time(due_back, expected, why):
    assert [loan_ladder.due_at(due_back, r) for r in loan_ladder.ladder()] == expected, why


def test_the_march_clock_change_keeps_the_local_hour():
    # Due back Monday 30 March 2026; the clocks went forward on Sunday 29th.
    reminder, overdue, _ = (loan_ladder.due_at(datetime.date(2026, 3, 30), r) for r in loan_ladder.ladder())
    assert reminder == _utc(2026, 3, 27, 9, 0)  # Friday 27th, 09:00 GMT
    assert overdue == _utc(2026, 3, 31, 8, 0)  # 09:00 BST


def test_the_clock_change_keeps_the_local_hour():
    reminder, overdue, _ = (loan_ladder.due_at(datetime.date(2026, 10, 26), r) for r in loan_ladder.ladder())
    assert reminder == _utc(2026, 10, 23, 8, 0)  # 09:00 BST
    assert overdue == _utc(2026, 10, 27, 9, 0)  # 09:00 GMT


def test_a_loan_climbs_its_whole_ladder_over_a_weekend(
    make_device, bar, tech_bar_staff, borrower, supervisor, lead, fixed_clock, tablet_model
):
    fixed_clock.move_to(_local(2026, 3, 23, 10))  # Monday
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    loan = lend(tablet, borrower, due_back=datetime.date(2026, 3, 30), bar=bar, staff=tech_bar_staff)
    assert [(s.step, s.due_at) for s in loan.steps.order_by("due_at")] == [
        ("reminder", _local(2026, 3, 27, 9)),
        ("overdue", _local(2026, 3, 31, 9)),
        ("overdue_leads", _local(2026, 4, 2, 9)),
    ]
    told = {p.pk: len(_subjects(p)) for p in (borrower, supervisor, lead)}

    fixed_clock.move_to(_local(2026, 3, 27, 8, 59))
    assert timers.sweep(schedule_ahead=False).fired == 0
    fixed_clock.move_to(_local(2026, 3, 27, 9, 0, 30))  # Friday
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert _subjects(borrower)[told[borrower.pk] :] == [
        f"Reminder: the {tablet.model} {tablet.asset_tag} lent to you is due back on Monday 30 March 2026"
    ]
    fixed_clock.move_to(_local(2026, 3, 30, 17))  # due day: nothing yet
    assert timers.sweep(schedule_ahead=False).fired == 0

    fixed_clock.move_to(_local(2026, 3, 31, 9, 1))
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert _subjects(borrower)[-1].startswith(f"Overdue: the {tablet.model} {tablet.asset_tag} lent to you")
    assert _subjects(supervisor)[told[supervisor.pk] :] == [
        f"Overdue loan: {borrower.get_full_name()} has not returned the {tablet.model} {tablet.asset_tag}"
    ]
    assert _subjects(lead)[told[lead.pk] :] == []

    fixed_clock.move_to(_local(2026, 4, 2, 9, 1))  # three working days after
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert _subjects(lead)[told[lead.pk] :] == [
        f"Overdue loan at {bar}: {tablet.model} {tablet.asset_tag} lent to {borrower.get_full_name()}"
    ]
    assert timers.sweep(schedule_ahead=False).fired == 0  # each step once
    assert OutboundEmail.objects.filter(to=lead.email).count() == 1


def test_a_loan_over_the_october_clock_change(make_device, bar, tech_bar_staff, borrower, fixed_clock, tablet_model):
    fixed_clock.move_to(_local(2026, 10, 19, 11))
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    lend(tablet, borrower, due_back=datetime.date(2026, 10, 26), bar=bar, staff=tech_bar_staff)
    fixed_clock.move_to(_utc(2026, 10, 23, 7, 59))  # 08:59 BST
    assert timers.sweep(schedule_ahead=False).fired == 0
    fixed_clock.move_to(_utc(2026, 10, 23, 8, 0, 30))  # 09:00 BST
    assert timers.sweep(schedule_ahead=False).fired == 1
    fixed_clock.move_to(_utc(2026, 10, 27, 8, 30))  # 08:30 GMT: an hour after 09:00 BST would have been
    assert timers.sweep(schedule_ahead=False).fired == 0
    fixed_clock.move_to(_utc(2026, 10, 27, 9, 0, 30))  # 09:00 GMT
    assert timers.sweep(schedule_ahead=False).fired == 1


def test_returning_the_device_ends_the_ladder(make_device, bar, tech_bar_staff, borrower, fixed_clock, tablet_model):
    fixed_clock.move_to(_local(2026, 3, 23, 10))
    tablet = pool_device(make_device, bar, tech_bar_staff, model=tablet_model)
    loan = lend(tablet, borrower, due_back=datetime.date(2026, 3, 30), bar=bar, staff=tech_bar_staff)
    fixed_clock.move_to(_local(2026, 3, 27, 9, 1))
    assert timers.sweep(schedule_ahead=False).fired == 1  # the reminder
    fixed_clock.move_to(_local(2026, 3, 30, 12))
    tablet.refresh_from_db()
    counter_services.counter_visit_confirm(
        person=borrower,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=counter_services.CounterBasket(take_back=[counter_services.TakeBack(tablet, "no_longer_needed")]),
    )
    loan.refresh_from_db()
    assert loan.ended_at is not None and loan.end_reason == f"Returned at {bar}."
    assert {(s.step, s.fired_at is not None, s.cancelled_at is not None) for s in loan.steps.all()} == {
        ("reminder", True, False),
        ("overdue", False, True),
        ("overdue_leads", False, True),
    }
    before = len(_subjects(borrower))
    fixed_clock.move_to(_local(2026, 4, 10, 9))
    assert timers.sweep(schedule_ahead=False).fired == 0
    assert len(_subjects(borrower)) == before
