"""A request's ladder on a controlled clock: approval waiting 3 working days (weekends and
England and Wales bank holidays skipped) reminds the approver; a device ready for 10 days
reminds the requester, and at 14 days goes back to stock with a notice. Each fires once."""

import datetime
from datetime import UTC

import pytest

from devices.models import DeviceRequest, DeviceRequestStep
from devices.requests import ladder as request_ladder
from devices.requests import services as kit_requests
from portal import timers
from portal.models import Notification
from tests.devices.requests.request_helpers import submit

pytestmark = pytest.mark.django_db
LONDON = request_ladder.zone()


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def _subjects(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("subject", flat=True))


def test_request_steps_are_under_the_sweep_and_the_ladder_is_sound():
    assert timers.timer_for(DeviceRequestStep._meta.label).owner_field == "request"
    assert request_ladder.problems() == []


@pytest.mark.parametrize(
    ("start", "due", "why"),
    [
        (_local(2026, 6, 12, 10, 0), _local(2026, 6, 17, 10, 0), "Friday: the weekend is skipped"),
        (_local(2026, 6, 13, 11, 0), _local(2026, 6, 17, 11, 0), "Saturday: counted from Monday"),
        (_local(2026, 8, 28, 10, 0), _local(2026, 9, 3, 10, 0), "the August bank holiday Monday is skipped"),
        (_local(2026, 12, 23, 10, 0), _local(2026, 12, 30, 10, 0), "Christmas, Boxing Day (observed) skipped"),
        (_local(2026, 4, 2, 15, 0), _local(2026, 4, 9, 15, 0), "Good Friday and Easter Monday skipped"),
        (_local(2026, 10, 23, 14, 0), _local(2026, 10, 28, 14, 0), "over the clocks going back"),
        (_local(2026, 6, 12, 19, 30), _local(2026, 6, 18, 8, 0), "after hours: the next working morning"),
        (_local(2026, 6, 12, 6, 15), _local(2026, 6, 17, 8, 0), "before hours: that working morning"),
    ],
)
def test_working_days(start, due, why):
    assert request_ladder.add_working_days(start.astimezone(UTC), 3) == due.astimezone(UTC), why


def test_the_clock_change_keeps_the_local_hour_not_the_utc_one():
    due = request_ladder.add_working_days(_utc(2026, 10, 23, 13, 0), 3)  # 14:00 BST
    assert due == _utc(2026, 10, 28, 14, 0)  # 14:00 GMT


def test_the_approver_is_reminded_after_three_working_days_once(member, boss, bar, fixed_clock):
    fixed_clock.move_to(_utc(2026, 8, 28, 9, 0))  # Friday before the August bank holiday, 10:00 BST
    request = submit(member, kind="tablet", reason="specialist", details="Drone unit", collect_at=bar)
    step = request.steps.get()
    assert (step.step, step.due_at) == ("approval_reminder.1", _utc(2026, 9, 3, 9, 0))
    before = _subjects(boss)

    fixed_clock.move_to(_utc(2026, 9, 3, 8, 59))
    assert timers.sweep(schedule_ahead=False).fired == 0
    fixed_clock.move_to(_utc(2026, 9, 3, 9, 0, 30))
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert timers.sweep(schedule_ahead=False).fired == 0
    reminders = _subjects(boss)[len(before) :]
    assert reminders == [f"Reminder: a request for a tablet for {member.get_full_name()} waits for your approval"]


def test_a_decision_before_the_reminder_cancels_it(member, boss, bar, fixed_clock):
    fixed_clock.move_to(_utc(2026, 6, 15, 9, 0))  # Monday
    request = submit(member, kind="tablet", reason="specialist", details="Drone unit", collect_at=bar)
    kit_requests.device_request_decide(request=request, actor=boss, approve=True, why="Yes")
    fixed_clock.move_to(_utc(2026, 6, 30, 9, 0))
    assert timers.sweep(schedule_ahead=False).fired == 0
    assert request.steps.get().cancel_reason == "Decided"


def test_the_admin_step_waits_three_working_days_of_its_own(member, boss, bar, fixed_clock, portal_admin):
    from devices.models import DeviceModel

    mac = DeviceModel.objects.create(make="Apple", model_name="MacBook Pro", kind="laptop", approval_required=True)
    fixed_clock.move_to(_utc(2026, 6, 15, 9, 0))  # Monday 10:00 BST
    request = submit(member, kind="laptop", model=mac, reason="specialist", details="iOS", collect_at=bar)
    fixed_clock.move_to(_utc(2026, 6, 17, 12, 0))  # Wednesday 13:00 BST: the supervisor approves
    kit_requests.device_request_decide(request=request, actor=boss, approve=True, why="Yes")
    pending = request.steps.get(cancelled_at__isnull=True)
    assert (pending.step, pending.due_at) == ("approval_reminder.2", _utc(2026, 6, 22, 12, 0))
    fixed_clock.move_to(_utc(2026, 6, 22, 12, 0, 1))
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert _subjects(portal_admin)[-1].startswith("Reminder: a request for a Apple MacBook Pro")


def test_ready_for_ten_days_reminds_then_fourteen_releases(member, bar, make_device, laptop_model, tech_bar_staff,
                                                          fixed_clock):  # fmt: skip
    request = submit(member, kind="laptop", collect_at=bar)
    device = make_device(model=laptop_model)
    fixed_clock.move_to(_utc(2026, 6, 10, 15, 0))  # Wednesday 16:00 BST
    kit_requests.device_request_reserve(request=request, device=device, actor=tech_bar_staff, tech_bar=bar)
    due = dict(request.steps.values_list("step", "due_at"))
    # 09:00 London on day 10 and day 14 (08:00 UTC in summer).
    assert due == {"ready_reminder.1": _utc(2026, 6, 20, 8, 0), "ready_release.1": _utc(2026, 6, 24, 8, 0)}

    fixed_clock.move_to(_utc(2026, 6, 20, 8, 0, 1))
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert _subjects(member)[-1] == "Reminder: your laptop is waiting at Headquarters Tech Bar"
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.READY

    fixed_clock.move_to(_utc(2026, 6, 24, 8, 0, 1))
    assert timers.sweep(schedule_ahead=False).fired == 1
    request.refresh_from_db()
    assert request.status == DeviceRequest.Status.APPROVED and request.reserved_device is None
    assert _subjects(member)[-1] == "The laptop kept for you at Headquarters Tech Bar is no longer reserved"
    notice = Notification.objects.filter(recipient=member).latest("pk").body
    assert f"{device.asset_tag} was released: It was not collected since it was reserved on 10 June 2026." in notice
    assert timers.sweep(schedule_ahead=False).fired == 0


def test_collected_in_time_nothing_more_is_sent(member, bar, make_device, laptop_model, tech_bar_staff, fixed_clock):
    from devices.core.services import device_issue

    request = submit(member, kind="laptop", collect_at=bar)
    device = make_device(model=laptop_model)
    kit_requests.device_request_reserve(request=request, device=device, actor=tech_bar_staff, tech_bar=bar)
    device_issue(device=device, holder=member, actor=tech_bar_staff, tech_bar=bar)
    fixed_clock.move_to(_utc(2026, 7, 30, 9, 0))
    assert timers.sweep(schedule_ahead=False).fired == 0


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([{"step": "a", "after": "waiting", "days": 1, "actions": ["shout"]}], "unknown action 'shout'"),
        ([{"step": "a", "after": "waiting", "days": 1, "actions": ["remind_approver"]}] * 2, "appears twice"),
        ([{"step": "a", "after": "lunch", "days": 1, "actions": ["remind_approver"]}], "starts after 'lunch'"),
        ([{"step": "a", "after": "waiting", "actions": ["remind_approver"]}], "needs days or working_days"),
        ([{"step": "a.b", "after": "waiting", "days": 1, "actions": ["remind_approver"]}], "has a dot in it"),
        ([{"step": "a"}], "malformed"),
    ],
)
def test_a_mistyped_ladder_stops_the_site_starting(settings, value, problem):
    from devices.checks import check_request_ladder

    settings.REQUEST_LADDER = value
    errors = check_request_ladder(None)
    assert errors and all(e.id == "devices.E002" for e in errors)
    assert any(problem in e.msg for e in errors), [e.msg for e in errors]
