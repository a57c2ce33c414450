"""A leaver case's reminders and escalations on a controlled clock: when each falls due (08:00
Europe/London, either side of a clock change), who hears what, exactly once, and what late
notice, a moved date, a removed date and closing do to the steps."""

import datetime
from datetime import UTC

import pytest
import time_machine

from devices.core import services
from devices.leavers import ladder as leaver_ladder
from devices.leavers import services as leavers
from devices.models import CommandUnitLead, LeaverCase, LeaverEvent, LeaverStep, TechBar
from portal import timers
from portal.models import Notification, OutboundEmail
from tests.devices.leavers.leaver_helpers import team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _due(case) -> dict[str, datetime.datetime]:
    return dict(case.steps.values_list("step", "due_at"))


def _set(person, actor, day: datetime.date, **kwargs) -> LeaverCase:
    return leavers.leaver_date_set(person=person, leaving_date=day, actor=actor, source="supervisor", **kwargs)


def _subjects(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("subject", flat=True))


def test_leaver_steps_are_under_the_sweep_and_the_ladder_is_sound():
    label = LeaverStep._meta.label
    assert timers.timer_for(label).owner_field == "case"
    assert leaver_ladder.problems() == []


@pytest.mark.parametrize(
    ("setting", "value", "problem"),
    [
        ("LEAVER_LADDER", [{"step": "a", "days": 1, "actions": ["shout"]}], "unknown action 'shout'"),
        ("LEAVER_LADDER", [{"step": "a", "days": 1, "actions": []}] * 2, "appears twice"),
        ("LEAVER_LADDER", [{"step": "a"}], "malformed"),
        ("LEAVER_STEP_LOCAL_TIME", "8 o'clock", "malformed"),
        ("LEAVER_STEP_LOCAL_TIME", "01:30", "the hour the clocks skip or repeat"),
    ],
)
def test_a_mistyped_ladder_stops_the_site_starting(settings, setting, value, problem):
    from devices.checks import check_leaver_ladder

    setattr(settings, setting, value)
    errors = check_leaver_ladder(None)
    assert errors and all(e.id == "devices.E001" for e in errors)
    assert any(problem in e.msg for e in errors), [e.msg for e in errors]


def test_steps_fall_due_at_eight_in_the_morning_london_time_in_summer_and_winter():
    sergeant, officer = team()
    summer = _due(_set(officer, sergeant, datetime.date(2026, 7, 10)))
    assert summer == {
        "reminder_14d": _at(2026, 6, 26, 7, 0),  # 08:00 BST
        "reminder_3d": _at(2026, 7, 7, 7, 0),
        "escalation_1d": _at(2026, 7, 11, 7, 0),
        "overdue_7d": _at(2026, 7, 17, 7, 0),
    }
    winter = _due(_set(officer, sergeant, datetime.date(2027, 1, 20)))  # the date moved: pending steps follow
    assert winter["reminder_14d"] == _at(2027, 1, 6, 8, 0)  # 08:00 GMT
    assert winter["overdue_7d"] == _at(2027, 1, 27, 8, 0)


def test_the_local_hour_is_a_setting(settings):
    settings.LEAVER_STEP_LOCAL_TIME = "09:30"
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 12, 1))
    assert _due(case)["reminder_3d"] == _at(2026, 11, 28, 9, 30)


@pytest.mark.parametrize(
    ("leaving_date", "expected"),
    [
        # The clocks go back on Sunday 25 October 2026: before it 08:00 is 07:00 UTC, after it 08:00 UTC.
        (
            datetime.date(2026, 10, 27),
            {"reminder_3d": _at(2026, 10, 24, 7, 0), "escalation_1d": _at(2026, 10, 28, 8, 0)},
        ),
        # They go forward on Sunday 28 March 2027: the other way round.
        (datetime.date(2027, 3, 30), {"reminder_3d": _at(2027, 3, 27, 8, 0), "escalation_1d": _at(2027, 3, 31, 7, 0)}),
    ],
)
def test_the_same_local_hour_on_either_side_of_a_clock_change(leaving_date, expected):
    sergeant, officer = team()
    due = _due(_set(officer, sergeant, leaving_date))
    assert {step: due[step] for step in expected} == expected


def test_a_clock_change_week_fires_each_step_at_eight_local_time_and_not_an_hour_off(fixed_clock):
    """Set on 1 October for Tuesday 27 October; sweep minute by minute around each due time."""
    sergeant, officer = team()
    fixed_clock.move_to(_at(2026, 10, 1, 9, 0))
    case = _set(officer, sergeant, datetime.date(2026, 10, 27))
    fired = {}
    for step, due in sorted(_due(case).items(), key=lambda item: item[1]):
        with time_machine.travel(due - datetime.timedelta(minutes=1), tick=False):
            timers.sweep(schedule_ahead=False)
        assert not LeaverStep.objects.get(case=case, step=step).fired_at, f"{step} fired early"
        with time_machine.travel(due, tick=False):
            timers.sweep(schedule_ahead=False)
        fired[step] = LeaverStep.objects.get(case=case, step=step).fired_at
    local = {step: at.astimezone(leaver_ladder.zone()).strftime("%a %d %b %H:%M %Z") for step, at in fired.items()}
    assert local == {
        "reminder_14d": "Tue 13 Oct 08:00 BST",
        "reminder_3d": "Sat 24 Oct 08:00 BST",
        "escalation_1d": "Wed 28 Oct 08:00 GMT",
        "overdue_7d": "Tue 03 Nov 08:00 GMT",
    }


def test_reminders_tell_the_leaver_and_supervisor_what_is_outstanding_once(
    fixed_clock, make_device, bar, tech_bar_staff
):
    sergeant, officer = team()
    phone = make_device()
    services.device_issue(device=phone, holder=officer, actor=tech_bar_staff, tech_bar=bar)
    case = _set(officer, sergeant, datetime.date(2026, 7, 10))  # today is 10 June
    leavers.leaver_line_property_receive(
        line=case.lines.get(description="Radio"), actor=tech_bar_staff, tech_bar=bar
    )  # already back: not listed
    step = case.steps.get(step="reminder_14d")

    fixed_clock.move_to(step.due_at)
    assert timers.sweep(schedule_ahead=False).fired == 1
    assert timers.sweep(schedule_ahead=False).fired == 0  # exactly once

    leaver_note = Notification.objects.get(recipient=officer)
    assert leaver_note.subject == "Before you leave: 5 items to return"
    assert "You leave in 14 days, on 10 July 2026" in leaver_note.body
    assert f"- Samsung Galaxy XCover 7 ({phone.asset_tag})" in leaver_note.body and "Radio" not in leaver_note.body
    supervisor_note = Notification.objects.get(recipient=sergeant)
    assert (
        supervisor_note.subject
        == f"{officer.get_full_name()} leaves in 14 days, on 10 July 2026 with 5 item(s) outstanding"
    )
    emails = OutboundEmail.objects.filter(cause_id=step.pk, cause_type__model="leaverstep")
    assert sorted(emails.values_list("to", flat=True)) == sorted([officer.email, sergeant.email])
    event = case.events.get(kind=LeaverEvent.Kind.STEP_FIRED)
    assert event.note.startswith("Remind the leaver and remind their supervisor: reminded")


def test_nothing_outstanding_sends_no_reminder_but_asks_the_supervisor_to_sign_off(fixed_clock, bar, tech_bar_staff):
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 7, 10))
    for line in case.lines.all():
        leavers.leaver_line_property_receive(line=line, actor=tech_bar_staff, tech_bar=bar)

    fixed_clock.move_to(case.steps.get(step="reminder_14d").due_at)
    timers.sweep(schedule_ahead=False)

    assert _subjects(officer) == []
    assert _subjects(sergeant) == [f"{officer.get_full_name()}'s leaver case is ready for your sign-off"]


def test_a_day_late_escalates_to_the_supervisor_and_the_issuing_tech_bars_leads(
    fixed_clock, make_device, bar, other_bar, tech_bar_staff
):
    sergeant, officer = team()
    hq_lead, north_lead = UserFactory(), UserFactory()
    bar.leads.add(hq_lead)
    other_bar.leads.add(north_lead)
    services.device_issue(device=make_device(), holder=officer, actor=tech_bar_staff, tech_bar=bar)
    case = _set(officer, sergeant, datetime.date(2026, 6, 30))

    fixed_clock.move_to(case.steps.get(step="escalation_1d").due_at)
    timers.sweep(schedule_ahead=False)

    # The sweep fires the past reminders too: the supervisor hears once, that the return is overdue.
    assert _subjects(sergeant) == [
        f"Overdue return: {officer.get_full_name()} left on 30 June 2026, 1 day ago, with 6 item(s) outstanding"
    ]
    assert _subjects(hq_lead) == [
        f"Leaver {officer.get_full_name()} left on 30 June 2026, 1 day ago with 6 item(s) outstanding"
    ]
    assert _subjects(north_lead) == []  # the phone came from Headquarters


def test_with_no_device_outstanding_every_tech_bar_lead_hears(fixed_clock, bar, other_bar):
    sergeant, officer = team()
    leads = [UserFactory(), UserFactory()]
    bar.leads.add(leads[0])
    other_bar.leads.add(leads[1])
    TechBar.objects.create(code="shut", name="Closed Tech Bar", is_active=False).leads.add(UserFactory())
    case = _set(officer, sergeant, datetime.date(2026, 6, 30))

    fixed_clock.move_to(case.steps.get(step="escalation_1d").due_at)
    timers.sweep(schedule_ahead=False)

    assert [len(_subjects(lead)) for lead in leads] == [1, 1]
    assert Notification.objects.filter(subject__startswith="Leaver ").count() == 2


def test_a_week_late_goes_to_the_command_unit_lead_as_overdue(fixed_clock):
    sergeant, officer = team(unit="South")
    chief = UserFactory(command_unit="South")
    CommandUnitLead.objects.create(command_unit="South", lead=chief)
    north = team(unit="North")
    case = _set(officer, sergeant, datetime.date(2026, 6, 30))
    other = _set(north[1], north[0], datetime.date(2026, 6, 30))

    fixed_clock.move_to(case.steps.get(step="overdue_7d").due_at)
    timers.sweep(schedule_ahead=False)

    assert _subjects(chief) == [f"Overdue leaver: {officer.get_full_name()} left on 30 June 2026, 7 days ago"]
    note = other.events.filter(kind=LeaverEvent.Kind.STEP_FIRED).last().note
    assert "no command unit lead on record for North" in note


def test_late_notice_fires_the_overdue_steps_at_once_and_only_once(fixed_clock):
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 6, 8))  # two days ago

    steps = {s.step: s for s in case.steps.all()}
    assert steps["reminder_14d"].cancelled_at and "a later step covers it" in steps["reminder_14d"].cancel_reason
    assert steps["reminder_3d"].fired_at and steps["escalation_1d"].fired_at
    assert steps["overdue_7d"].fired_at is None and steps["overdue_7d"].cancelled_at is None
    assert _subjects(officer) == ["You still have 5 items to return"]  # one reminder, not two
    assert "You left on 8 June 2026, 2 days ago." in Notification.objects.get(recipient=officer).body
    # One message to the supervisor, saying the return is overdue (not a reminder and an
    # escalation in the same second).
    assert _subjects(sergeant) == [
        f"Overdue return: {officer.get_full_name()} left on 8 June 2026, 2 days ago, with 5 item(s) outstanding"
    ]
    assert "later step" in steps["reminder_3d"].case.events.filter(kind=LeaverEvent.Kind.STEP_FIRED).first().note
    before = Notification.objects.count()

    timers.sweep(schedule_ahead=False)
    _set(officer, sergeant, datetime.date(2026, 6, 8))  # the same date again changes nothing

    assert Notification.objects.count() == before


def test_a_moved_date_moves_pending_steps_and_re_arms_fired_ones_now_in_the_future(fixed_clock):
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 6, 20))  # the 14-day reminder fires at once
    fired = case.steps.get(step="reminder_14d").fired_at
    assert fired is not None

    _set(officer, sergeant, datetime.date(2026, 8, 31), reason="Notice extended")

    due = {s.step: s for s in case.steps.all()}
    # It falls in the future again, so it is armed again for its new day.
    assert due["reminder_14d"].fired_at is None and due["reminder_14d"].due_at == _at(2026, 8, 17, 7, 0)
    assert due["reminder_3d"].due_at == _at(2026, 8, 28, 7, 0) and due["reminder_3d"].fired_at is None
    assert due["overdue_7d"].due_at == _at(2026, 9, 7, 7, 0)

    # Moved nearer, so that the 3-day reminder is past: it goes at once.
    _set(officer, sergeant, datetime.date(2026, 6, 12))
    assert case.steps.get(step="reminder_3d").fired_at is not None
    assert len(_subjects(officer)) == 2


def test_a_removed_date_cancels_the_steps_and_the_sweep_sends_nothing(fixed_clock):
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 7, 10))
    leavers.leaver_date_set(person=officer, leaving_date=None, actor=sergeant, source="supervisor", reason="Stays")

    fixed_clock.move_to(_at(2026, 8, 1, 9, 0))
    assert timers.sweep(schedule_ahead=False).fired == 0
    assert all(s.cancelled_at and s.cancel_reason == "Leaver case cancelled" for s in case.steps.all())
    assert _subjects(officer) == []


def test_a_closed_case_sends_nothing_more(fixed_clock):
    from devices.models import LeaverPropertyKind

    LeaverPropertyKind.objects.update(is_active=False)
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 7, 10))
    leavers.leaver_case_sign_off(case=case, actor=sergeant)

    fixed_clock.move_to(_at(2026, 8, 1, 9, 0))
    assert timers.sweep(schedule_ahead=False).fired == 0
    assert _subjects(officer) == [] and _subjects(sergeant) == []


def test_correcting_a_past_date_to_a_future_one_re_arms_every_step_now_in_the_future(fixed_clock):
    """moving a date from yesterday to next March left only the +7 d step."""
    sergeant, officer = team()
    case = _set(officer, sergeant, datetime.date(2026, 6, 9))  # yesterday: every past step fired or covered
    assert case.steps.filter(fired_at__isnull=True, cancelled_at__isnull=True).count() == 1  # +7 d

    _set(officer, sergeant, datetime.date(2027, 3, 15), reason="Typed the wrong year")

    steps = {s.step: s for s in case.steps.all()}
    assert {name: (s.fired_at, s.cancelled_at, s.cancel_reason) for name, s in steps.items()} == dict.fromkeys(
        ("reminder_14d", "reminder_3d", "escalation_1d", "overdue_7d"), (None, None, "")
    )
    assert steps["reminder_14d"].due_at == _at(2027, 3, 1, 8, 0)
    assert "re-armed" in case.events.filter(kind=LeaverEvent.Kind.DATE_MOVED).get().note
    before = Notification.objects.count()
    fixed_clock.move_to(steps["reminder_14d"].due_at)
    timers.sweep(schedule_ahead=False)
    assert Notification.objects.count() == before + 2  # the leaver and their supervisor, reminded again


def test_a_batch_of_cases_reads_its_lines_and_later_steps_once_and_tells_each_supervisor_once(
    fixed_clock, django_assert_max_num_queries
):
    teams = [team() for _ in range(6)]
    cases = [_set(officer, sergeant, datetime.date(2026, 7, 10)) for sergeant, officer in teams]
    # One case's escalation was cancelled: its 3-day reminder tells the supervisor instead.
    LeaverStep.objects.filter(case=cases[0], step="escalation_1d").update(
        cancelled_at=_at(2026, 6, 10), cancel_reason="test"
    )
    fixed_clock.move_to(cases[1].steps.get(step="escalation_1d").due_at)

    # 17 steps due at once, fired in one batch: the cases' outstanding lines and their later
    # supervisor steps are read once for the batch (they were read once for each step: 113 queries).
    with django_assert_max_num_queries(86) as ctx:
        assert timers.sweep(schedule_ahead=False).fired == 17
    sql = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "devices_leaverline"' in s for s in sql) == 1
    assert sum('FROM "devices_leaverstep"' in s and '"devices_leaverstep"."step" IN' in s for s in sql) == 1

    for index, (sergeant, officer) in enumerate(teams):
        assert len(_subjects(officer)) == 2  # the 14- and 3-day reminders
        assert len(_subjects(sergeant)) == 1  # told once, by the latest step due
        notes = list(cases[index].events.filter(kind=LeaverEvent.Kind.STEP_FIRED).values_list("note", flat=True))
        by_later = [note for note in notes if "by the later step" in note]
        assert len(by_later) == (1 if index == 0 else 2), notes
