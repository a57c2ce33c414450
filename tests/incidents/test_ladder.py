"""The clocks, walked with time-machine: each step at its time, once; submitting cancels the
rest; late from the start; future awareness refused; the 72-hour decision ladder."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from incidents import services
from incidents.models import Incident, IncidentEvent, IncidentStep, RegulatorDecision
from portal import timers
from portal.ladders import give_open_cases
from portal.models import Notification

# The suite's fixed clock (tests/conftest.py) has the timers read the application's clock.
pytestmark = pytest.mark.django_db

START = datetime(2025, 6, 13, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London")).astimezone(UTC)  # a Friday


def fired_steps(incident) -> list[str]:
    return list(incident.steps.filter(fired_at__isnull=False).order_by("due_at").values_list("step", flat=True))


def step_events(incident) -> list[str]:
    return list(
        IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.STEP_FIRED)
        .order_by("at")
        .values_list("step__step", flat=True)
    )


def subjects(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True))


def sweep_at(traveller, moment, capture) -> int:
    traveller.move_to(moment)
    with capture(execute=True):
        return timers.sweep(schedule_ahead=False).fired


@pytest.fixture
def walk(django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as traveller:
        yield lambda moment: sweep_at(traveller, moment, django_capture_on_commit_callbacks)


def test_each_step_fires_at_its_time_and_only_once(
    walk, reporter, supervisor, data_office, open_incident, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = open_incident(hours_ago=0, personal_data_involved="no")  # the 12-hour ladder alone
    assert incident.due_at == START + timedelta(hours=12)
    assert [(s.step, s.due_at - START) for s in incident.steps.all()] == [
        ("reminder_2h", timedelta(hours=2)),
        ("reminder_6h", timedelta(hours=6)),
        ("duty_inbox_10h", timedelta(hours=10)),
        ("late", timedelta(hours=12)),
    ]
    outbox.clear()

    assert walk(START + timedelta(hours=1, minutes=59, seconds=59)) == 0
    assert walk(START + timedelta(hours=2)) == 1
    assert fired_steps(incident) == ["reminder_2h"]
    assert subjects(reporter)[-1].startswith(f"Reminder: the full report for {incident.reference} is due in 10")
    assert subjects(supervisor) == []
    assert walk(START + timedelta(hours=2, minutes=30)) == 0  # swept again: nothing twice

    assert walk(START + timedelta(hours=6, seconds=1)) == 1
    assert subjects(reporter)[-1].startswith("Reminder: the full report")
    assert len(subjects(supervisor)) == 1
    assert f"{reporter.get_full_name()} has a security incident report due in 5" in subjects(supervisor)[0]

    outbox.clear()
    assert walk(START + timedelta(hours=10)) == 1
    duty = [m for m in outbox if m.to == [django_settings.DATA_OFFICE_DUTY_EMAIL]]
    assert len(duty) == 1 and "no full report yet, due in 2" in duty[0].subject
    assert len(subjects(data_office)) == 2  # the first notification, and now the 10-hour alert

    assert walk(START + timedelta(hours=11, minutes=59)) == 0
    incident.refresh_from_db()
    assert not incident.is_late
    assert walk(START + timedelta(hours=12)) == 1
    incident.refresh_from_db()
    assert incident.late_at == START + timedelta(hours=12)
    assert "is late" in subjects(data_office)[-1]
    assert "that is late" in subjects(supervisor)[-1]

    # Days later, nothing else: every step fired exactly once, each with one timeline entry.
    assert walk(START + timedelta(days=3)) == 0
    assert fired_steps(incident) == step_events(incident) == ["reminder_2h", "reminder_6h", "duty_inbox_10h", "late"]
    assert len(subjects(reporter)) == 3  # received, 2 h, 6 h
    assert len(subjects(supervisor)) == 2  # 6 h, 12 h


def test_submitting_midway_cancels_the_rest(walk, reporter, supervisor, data_office, open_incident, full_report):
    incident = open_incident(hours_ago=0, personal_data_involved="no")  # the 12-hour ladder alone
    walk(START + timedelta(hours=2))
    walk(START + timedelta(hours=6))
    assert fired_steps(incident) == ["reminder_2h", "reminder_6h"]

    walk(START + timedelta(hours=7))
    incident = services.incident_submit(incident=incident, actor=reporter, values=full_report)
    assert incident.status == Incident.Status.REPORTED
    assert incident.submitted_at == START + timedelta(hours=7)

    for hours in (10, 12, 24, 100):
        assert walk(START + timedelta(hours=hours)) == 0
    incident.refresh_from_db()
    assert not incident.is_late
    assert fired_steps(incident) == ["reminder_2h", "reminder_6h"]
    cancelled = incident.steps.filter(cancelled_at__isnull=False)
    assert sorted(cancelled.values_list("step", flat=True)) == ["duty_inbox_10h", "late"]
    assert set(cancelled.values_list("cancel_reason", flat=True)) == {"Full report submitted"}
    assert incident.events.filter(kind=IncidentEvent.Kind.STEPS_CANCELLED, text__startswith="2 remaining").exists()
    assert len(subjects(supervisor)) == 1


def test_submitting_before_any_step_cancels_all_four(walk, reporter, open_incident, full_report):
    incident = open_incident(hours_ago=0)
    walk(START + timedelta(minutes=20))
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    assert walk(START + timedelta(days=1)) == 0
    assert incident.steps.filter(cancelled_at__isnull=False).count() == 4


def test_the_clock_runs_through_the_weekend_and_the_clocks_changing(reporter, open_incident):
    # Saturday 29 March 2025, 20:30 GMT; the clocks go forward at 01:00 on Sunday.
    # (Arithmetic in UTC: a Europe/London datetime plus 12 hours adds wall-clock hours.)
    aware = datetime(2025, 3, 29, 20, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London")).astimezone(UTC)
    with time_machine.travel(aware + timedelta(minutes=5), tick=False) as traveller:
        incident = services.incident_open(
            reporter=reporter, summary="x", aware_at=aware, personal_data_involved="no", device_involved="no"
        )
        due_local = timezone.localtime(incident.due_at)
        assert (due_local.day, due_local.hour, due_local.minute) == (30, 9, 30)  # 12 elapsed hours: 09:30 BST
        assert incident.due_at - aware == timedelta(hours=12)
        traveller.move_to(aware + timedelta(hours=11, minutes=59))
        timers.sweep(schedule_ahead=False)
        incident.refresh_from_db()
        assert not incident.is_late
        traveller.move_to(aware + timedelta(hours=12))
        timers.sweep(schedule_ahead=False)
        incident.refresh_from_db()
        assert incident.is_late


def test_awareness_over_12_hours_ago_is_late_from_the_start(
    reporter, supervisor, data_office, open_incident, full_report, django_capture_on_commit_callbacks, outbox
):
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            incident = open_incident(hours_ago=13)

        assert incident.late_from_start
        assert incident.late_at == START
        assert incident.events.filter(kind=IncidentEvent.Kind.LATE_FROM_START).exists()
        # The earlier rungs are history; the late step tells the Data Office and supervisor at once.
        assert fired_steps(incident) == ["late"]
        assert set(incident.steps.filter(cancelled_at__isnull=False).values_list("step", flat=True)) == {
            "reminder_2h",
            "reminder_6h",
            "duty_inbox_10h",
        }
        assert "that is late" in subjects(supervisor)[-1]
        assert any("(late)" in s for s in subjects(data_office))
        assert [m for m in outbox if m.to == [django_settings.DATA_OFFICE_DUTY_EMAIL]]

        # It asks why.
        with pytest.raises(services.IncidentError) as error:
            services.incident_submit(incident=incident, actor=reporter, values=full_report)
        assert "delay_reasons" in error.value.message_dict
        incident = services.incident_submit(
            incident=incident, actor=reporter, values={**full_report, "delay_reasons": "On a night shift."}
        )
        assert incident.status == Incident.Status.REPORTED and incident.is_late
        assert timers.sweep().fired == 0


def test_awareness_11_hours_ago_alerts_the_duty_inbox_now_and_is_late_at_12(walk, reporter, open_incident):
    incident = open_incident(hours_ago=11)
    assert fired_steps(incident) == ["duty_inbox_10h"]
    assert walk(START + timedelta(minutes=59)) == 0
    assert walk(START + timedelta(hours=1)) == 1
    assert fired_steps(incident) == ["duty_inbox_10h", "late"]


def test_a_reminder_already_past_is_not_sent_to_someone_reporting_right_now(walk, reporter, open_incident):
    incident = open_incident(hours_ago=3)
    assert fired_steps(incident) == []
    assert incident.steps.get(step="reminder_2h").cancel_reason == "Already past when the clock started"
    assert walk(START + timedelta(hours=3)) == 1  # 6-hour rung, on time
    assert fired_steps(incident) == ["reminder_6h"]


def test_submitting_after_the_deadline_before_the_sweep_gets_there_is_still_late(
    reporter, supervisor, open_incident, full_report
):
    with time_machine.travel(START, tick=False) as traveller:
        incident = open_incident(hours_ago=0)
        traveller.move_to(START + timedelta(hours=12, seconds=20))  # no sweep since the deadline

        with pytest.raises(services.IncidentError) as error:
            services.incident_submit(incident=incident, actor=reporter, values=full_report)
        assert "delay_reasons" in error.value.message_dict
        incident = services.incident_submit(
            incident=incident, actor=reporter, values={**full_report, "delay_reasons": "Phone battery died."}
        )

    assert incident.is_late
    # The step that had fallen due still happened (once), the rest of its story is on the timeline.
    assert fired_steps(incident) == ["reminder_2h", "reminder_6h", "duty_inbox_10h", "late"]
    assert step_events(incident) == fired_steps(incident)
    assert "that is late" in subjects(supervisor)[-1]
    assert incident.events.filter(kind=IncidentEvent.Kind.REPORT_SUBMITTED, text__contains="late").exists()


def test_future_awareness_is_refused(reporter):
    with time_machine.travel(START, tick=False):
        with pytest.raises(services.IncidentError) as error:
            services.incident_open(
                reporter=reporter,
                summary="x",
                aware_at=START + timedelta(minutes=5),
                personal_data_involved="no",
                device_involved="no",
            )
        assert "aware_at" in error.value.message_dict
        assert not Incident.objects.exists()

        # A watch a few seconds ahead of the server is not "the future": taken as now.
        incident = services.incident_open(
            reporter=reporter,
            summary="x",
            aware_at=START + timedelta(seconds=30),
            personal_data_involved="no",
            device_involved="no",
        )
        assert incident.aware_at == START


# --- The 72-hour decision ---------------------------------------------------------------
def triage_as_breach(incident, reviewer, owner=None):
    return services.incident_triage(
        incident=incident,
        actor=reviewer,
        severity=Incident.Severity.HIGH,
        likelihood=Incident.Likelihood.LIKELY,
        personal_data_breach=True,
        owner=owner or reviewer,
    )


def test_the_72_hour_ladder(walk, reporter, data_office, second_reviewer, open_incident, full_report, outbox):
    incident = open_incident(hours_ago=0)
    walk(START + timedelta(hours=3))
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    incident = triage_as_breach(incident, data_office, owner=second_reviewer)
    assert incident.decision_due_at == START + timedelta(hours=72)  # from awareness, not from triage
    decision_steps = incident.steps.filter(ladder="decision")
    assert [(s.step, s.due_at - START) for s in decision_steps] == [
        ("decision_48h", timedelta(hours=48)),
        ("decision_60h", timedelta(hours=60)),
        ("decision_66h", timedelta(hours=66)),
        ("decision_overdue", timedelta(hours=72)),
    ]
    owner_before = len(subjects(second_reviewer))

    assert walk(START + timedelta(hours=47, minutes=59)) == 0
    assert walk(START + timedelta(hours=48)) == 1
    assert "decision on telling the ICO due in 1 day" in subjects(second_reviewer)[-1]
    assert walk(START + timedelta(hours=60)) == 1
    assert "due in 12 hours" in subjects(second_reviewer)[-1]
    outbox.clear()
    assert walk(START + timedelta(hours=66)) == 1
    lead = [m for m in outbox if m.to == [django_settings.DATA_OFFICE_LEAD_EMAIL]]
    assert len(lead) == 1 and "due in 6 hours" in lead[0].subject
    incident.refresh_from_db()
    assert incident.decision_overdue_at is None
    assert walk(START + timedelta(hours=72)) == 1
    incident.refresh_from_db()
    assert incident.decision_overdue_at == START + timedelta(hours=72)
    assert walk(START + timedelta(days=10)) == 0
    assert len(subjects(second_reviewer)) - owner_before == 4
    assert fired_steps(incident)[-4:] == ["decision_48h", "decision_60h", "decision_66h", "decision_overdue"]
    decision_events = incident.events.filter(kind=IncidentEvent.Kind.STEP_FIRED, step__ladder="decision")
    assert decision_events.count() == 4
    assert not decision_events.filter(visible_to_reporter=True).exists()

    decision = services.incident_decision_record(
        incident=incident,
        actor=second_reviewer,
        regime=RegulatorDecision.Regime.UK_GDPR,
        risk_rating=RegulatorDecision.Risk.RISK,
        outcome=RegulatorDecision.Outcome.NOTIFIED,
        ico_reference="IC-1",
        ico_notified_at=START + timedelta(hours=71),
        people_told=False,
        reasons="A witness's contact details left the force.",
    )
    assert decision.decided_late


def test_a_decision_within_the_72_hours_cancels_the_rest(walk, reporter, data_office, open_incident, full_report):
    incident = open_incident(hours_ago=0)
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    incident = triage_as_breach(incident, data_office)
    walk(START + timedelta(hours=48))
    walk(START + timedelta(hours=61))
    decision = services.incident_decision_record(
        incident=incident,
        actor=data_office,
        regime=RegulatorDecision.Regime.DPA_PART_3,
        risk_rating=RegulatorDecision.Risk.UNLIKELY,
        outcome=RegulatorDecision.Outcome.NOT_NOTIFIABLE,
        people_told=False,
        reasons="Recipient was an officer with a need to know; deleted within minutes.",
    )
    assert not decision.decided_late
    assert walk(START + timedelta(days=5)) == 0
    assert [s for s in fired_steps(incident) if s.startswith("decision")] == ["decision_48h", "decision_60h"]
    assert set(
        incident.steps.filter(ladder="decision", cancelled_at__isnull=False).values_list("cancel_reason", flat=True)
    ) == {"Decision recorded"}


def test_triage_after_48_hours_catches_up_with_the_latest_rung_only(
    walk, reporter, data_office, second_reviewer, open_incident, full_report
):
    # The reporter said no personal data, so no clock ran until triage found a breach.
    incident = open_incident(hours_ago=0, personal_data_involved="no")
    walk(START + timedelta(hours=1))
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    walk(START + timedelta(hours=61))
    incident = triage_as_breach(incident, data_office, owner=second_reviewer)
    decision = incident.steps.filter(ladder="decision")
    assert list(decision.filter(fired_at__isnull=False).values_list("step", flat=True)) == ["decision_60h"]
    assert decision.get(step="decision_48h").cancelled_at is not None
    assert walk(START + timedelta(hours=66)) == 1


@pytest.mark.parametrize("personal_data_involved", ["yes", "unknown"])
def test_the_72_hour_ladder_runs_from_arrival_for_an_untriaged_report_with_personal_data(
    walk, reporter, data_office, second_reviewer, open_incident, full_report, outbox, personal_data_involved
):
    incident = open_incident(hours_ago=0, personal_data_involved=personal_data_involved)
    assert incident.decision_due_at == START + timedelta(hours=72) and incident.triaged_at is None
    walk(START + timedelta(hours=1))
    services.incident_submit(incident=incident, actor=reporter, values=full_report)

    # Nobody has triaged it: the rungs still fire, and with no owner the Data Office is told.
    assert walk(START + timedelta(hours=48)) == 1
    assert "decision on telling the ICO due in 1 day" in subjects(data_office)[-1]
    assert subjects(data_office)[-1].endswith("(no owner)")
    outbox.clear()
    assert walk(START + timedelta(hours=60)) == 1

    # Triage as a breach at 61 hours keeps the clock it found: nothing restarts or fires twice.
    walk(START + timedelta(hours=61))
    incident = triage_as_breach(incident, data_office, owner=second_reviewer)
    assert incident.decision_due_at == START + timedelta(hours=72)
    assert [s for s in fired_steps(incident) if s.startswith("decision")] == ["decision_48h", "decision_60h"]
    assert incident.events.filter(kind=IncidentEvent.Kind.DECISION_CLOCK_STARTED).count() == 1
    assert walk(START + timedelta(hours=66)) == 1
    assert walk(START + timedelta(hours=72)) == 1
    incident.refresh_from_db()
    assert incident.decision_overdue_at == START + timedelta(hours=72)


def test_a_breach_triaged_again_after_not_a_breach_rearms_its_ladder(walk, data_office, open_incident):
    incident = open_incident(hours_ago=0)
    walk(START + timedelta(hours=49))  # decision_48h fired while untriaged
    incident = services.incident_triage(
        incident=incident,
        actor=data_office,
        severity=Incident.Severity.LOW,
        likelihood=Incident.Likelihood.REMOTE,
        personal_data_breach=False,
        owner=data_office,
    )
    assert incident.decision_due_at is None
    incident = triage_as_breach(incident, data_office)
    assert incident.decision_due_at == START + timedelta(hours=72)
    pending = incident.steps.filter(ladder="decision", fired_at__isnull=True, cancelled_at__isnull=True)
    assert sorted(pending.values_list("step", flat=True)) == ["decision_60h", "decision_66h", "decision_overdue"]
    assert walk(START + timedelta(hours=72)) == 3


def test_triage_as_not_a_breach_stops_the_72_hour_clock(walk, reporter, data_office, open_incident, full_report):
    incident = open_incident(hours_ago=0)
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    incident = triage_as_breach(incident, data_office)
    incident = services.incident_triage(
        incident=incident,
        actor=data_office,
        severity=Incident.Severity.LOW,
        likelihood=Incident.Likelihood.REMOTE,
        personal_data_breach=False,
        owner=data_office,
    )
    assert incident.decision_due_at is None
    assert walk(START + timedelta(days=4)) == 0
    assert incident.steps.filter(ladder="decision", cancelled_at__isnull=False).count() == 4


def test_a_new_rung_is_given_to_open_incidents_once(open_incident, settings):
    first, second = open_incident(), open_incident()
    submitted = open_incident()
    Incident.objects.filter(pk=submitted.pk).update(submitted_at=timezone.now())
    open_ones = Incident.objects.filter(submitted_at__isnull=True)

    def give():
        return give_open_cases(
            IncidentStep,
            owner_field="incident",
            owners=open_ones,
            step="reminder_11h",
            due_at=lambda incident: incident.aware_at + timedelta(hours=11),
            ladder="report",
        )

    assert give() == 2
    assert give() == 0  # each case has the step once
    steps = IncidentStep.objects.filter(step="reminder_11h")
    assert {s.incident_id for s in steps} == {first.pk, second.pk}
    assert steps.get(incident=first).due_at == first.aware_at + timedelta(hours=11)
