"""The incident workflow's rules, through its services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents import ladders, services
from incidents.models import Incident, IncidentEvent, IncidentUpdate, RegulatorDecision, YesNoUnknown
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def triage(incident, actor, *, breach=True, owner=None):
    return services.incident_triage(
        incident=incident,
        actor=actor,
        severity=Incident.Severity.MEDIUM,
        likelihood=Incident.Likelihood.POSSIBLE,
        personal_data_breach=breach,
        owner=owner or actor,
    )


def decide(incident, actor, **overrides):
    values = {
        "regime": RegulatorDecision.Regime.UK_GDPR,
        "risk_rating": RegulatorDecision.Risk.RISK,
        "outcome": RegulatorDecision.Outcome.NOTIFIED,
        "ico_reference": "IC-99",
        "ico_notified_at": timezone.now() - timedelta(minutes=5),
        "people_told": False,
        "reasons": "Contact details of one witness sent to the wrong person.",
        **overrides,
    }
    return services.incident_decision_record(incident=incident, actor=actor, **values)


def test_a_first_notification_starts_the_record_and_its_clock(open_incident, reporter, data_office):
    incident = open_incident(hours_ago=1)
    assert incident.status == Incident.Status.NOTIFIED
    assert incident.due_at - incident.aware_at == ladders.REPORT_DEADLINE
    assert incident.contact_email == reporter.email
    assert incident.steps.filter(ladder="report").count() == 4
    # personal data may be involved, so the 72-hour clock runs from arrival, triaged or not
    assert incident.decision_due_at - incident.aware_at == ladders.DECISION_DEADLINE
    assert incident.steps.filter(ladder="decision").count() == 4
    assert list(incident.events.values_list("kind", flat=True)) == [
        IncidentEvent.Kind.FIRST_NOTIFICATION,
        IncidentEvent.Kind.DECISION_CLOCK_STARTED,
    ]
    assert not incident.events.get(kind=IncidentEvent.Kind.DECISION_CLOCK_STARTED).visible_to_reporter
    assert reporter.notifications.filter(subject__contains="we have your first notification").exists()
    assert data_office.notifications.filter(subject__contains="new security incident").exists()


def test_anyone_may_report_including_tech_bar_staff(open_incident, tech_bar_staff):
    incident = open_incident(by=tech_bar_staff)
    assert incident.reporter == tech_bar_staff


def test_drafts_save_as_you_go_and_the_submitted_report_is_frozen(open_incident, reporter, full_report):
    incident = open_incident()
    services.incident_draft_save(incident=incident, actor=reporter, values={"what_happened": "Half a thought"})
    incident.refresh_from_db()
    assert incident.what_happened == "Half a thought" and incident.draft_saved_at

    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    with pytest.raises(services.NotAllowed):
        services.incident_draft_save(incident=incident, actor=reporter, values={"what_happened": "Rewritten"})
    with pytest.raises(services.NotAllowed):
        services.incident_submit(incident=incident, actor=reporter, values=full_report)
    incident.refresh_from_db()
    assert incident.what_happened == full_report["what_happened"]

    # Facts come later as dated updates; the report stays as it was.
    update = services.incident_update_add(incident=incident, actor=reporter, text="The recipient has replied.")
    incident.refresh_from_db()
    assert incident.what_happened == full_report["what_happened"]
    assert update.created_at and update.author == reporter
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    assert IncidentUpdate.objects.count() == 1


def test_only_the_reporter_writes_the_report(open_incident, officer, data_office, full_report):
    incident = open_incident()
    for someone in (officer, data_office):
        with pytest.raises(services.NotAllowed):
            services.incident_draft_save(incident=incident, actor=someone, values={"what_happened": "x"})
        with pytest.raises(services.NotAllowed):
            services.incident_submit(incident=incident, actor=someone, values=full_report)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"what_happened": ""}, "what_happened"),
        ({"breach_kinds": []}, "breach_kinds"),
        ({"containment": "  "}, "containment"),
        ({"people_categories": []}, "people_categories"),
        ({"data_categories": []}, "data_categories"),
        ({"contact_phone": "", "contact_email": ""}, "contact_phone"),
    ],
)
def test_a_report_missing_something_is_not_submitted_and_the_draft_is_kept(
    open_incident, reporter, full_report, change, field
):
    incident = open_incident()
    with pytest.raises(services.IncidentError) as error:
        services.incident_submit(incident=incident, actor=reporter, values={**full_report, **change})
    assert field in error.value.message_dict
    incident.refresh_from_db()
    assert incident.submitted_at is None and incident.status == Incident.Status.NOTIFIED
    assert incident.steps.filter(ladder="report", cancelled_at__isnull=True).count() == 4


def test_no_personal_data_needs_no_categories(open_incident, reporter, full_report):
    incident = open_incident()
    values = {**full_report, "personal_data_involved": YesNoUnknown.NO, "people_categories": [], "data_categories": []}
    assert services.incident_submit(incident=incident, actor=reporter, values=values).is_submitted


def test_a_reviewer_cannot_triage_an_incident_they_reported(open_incident, data_office, second_reviewer, full_report):
    incident = open_incident(by=data_office)
    with pytest.raises(services.NotAllowed, match="another reviewer"):
        triage(incident, data_office, owner=second_reviewer)
    triaged = triage(incident, second_reviewer)
    assert triaged.triaged_by == second_reviewer
    with pytest.raises(services.NotAllowed):
        decide(triaged, data_office)
    # And the database agrees, whatever code path tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(triaged_by=data_office)


def test_only_reviewers_triage_and_the_owner_is_a_reviewer(open_incident, officer, supervisor, data_office):
    incident = open_incident()
    with pytest.raises(services.NotAllowed):
        triage(incident, supervisor, owner=data_office)
    with pytest.raises(services.IncidentError) as error:
        triage(incident, data_office, owner=officer)
    assert "owner" in error.value.message_dict


def test_triage_before_the_full_report_keeps_the_reporters_clock(open_incident, reporter, data_office, full_report):
    incident = triage(open_incident(), data_office)
    assert incident.status == Incident.Status.TRIAGED
    assert incident.steps.filter(ladder="report", cancelled_at__isnull=True).count() == 4
    incident = services.incident_submit(incident=incident, actor=reporter, values=full_report)
    assert incident.status == Incident.Status.TRIAGED  # not back to "reported"
    assert incident.steps.filter(ladder="report", cancelled_at__isnull=False).count() == 4


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ico_reference": ""}, "ico_reference"),
        ({"ico_notified_at": None}, "ico_notified_at"),
        ({"ico_notified_at": timezone.now() + timedelta(days=1)}, "ico_notified_at"),
        ({"ico_notified_at": timezone.now() - timedelta(days=30)}, "ico_notified_at"),
        ({"outcome": RegulatorDecision.Outcome.NOT_NOTIFIABLE, "ico_reference": ""}, "outcome"),
        ({"risk_rating": RegulatorDecision.Risk.HIGH, "people_told": False}, "people_told_reasons"),
        ({"reasons": " "}, "reasons"),
    ],
)
def test_the_decision_is_recorded_with_what_the_law_needs(open_incident, data_office, overrides, field):
    incident = triage(open_incident(hours_ago=2), data_office)
    with pytest.raises(services.IncidentError) as error:
        decide(incident, data_office, **overrides)
    assert field in error.value.message_dict
    assert not RegulatorDecision.objects.exists()


def test_a_decision_is_recorded_once(open_incident, data_office):
    incident = triage(open_incident(hours_ago=2), data_office)
    decision = decide(
        incident,
        data_office,
        risk_rating=RegulatorDecision.Risk.UNLIKELY,
        outcome=RegulatorDecision.Outcome.NOT_NOTIFIABLE,
        ico_reference="ignored",
    )
    assert decision.ico_reference == "" and decision.ico_notified_at is None
    with pytest.raises(services.NotAllowed):
        decide(Incident.objects.get(pk=incident.pk), data_office)
    with pytest.raises(services.IncidentError):
        triage(Incident.objects.get(pk=incident.pk), data_office, breach=False)


def test_no_decision_for_an_incident_that_is_not_a_breach(open_incident, data_office):
    incident = triage(open_incident(), data_office, breach=False)
    assert incident.decision_due_at is None
    assert not incident.steps.filter(ladder="decision", cancelled_at__isnull=True).exists()
    with pytest.raises(services.NotAllowed):
        decide(incident, data_office)


def test_status_moves_on_through_the_service_with_an_audit_entry(open_incident, reporter, data_office, full_report):
    incident = open_incident()
    with pytest.raises(services.NotAllowed):  # not triaged yet
        services.incident_status_change(incident=incident, actor=data_office, status=Incident.Status.INVESTIGATING)
    services.incident_submit(incident=incident, actor=reporter, values=full_report)
    incident = triage(incident, data_office)

    with pytest.raises(services.IncidentError, match="regulator decision"):
        services.incident_status_change(incident=incident, actor=data_office, status="closed", note="Done")
    incident = services.incident_status_change(incident=incident, actor=data_office, status="investigating")
    assert incident.status == Incident.Status.INVESTIGATING
    with pytest.raises(services.IncidentError):
        services.incident_status_change(incident=incident, actor=data_office, status="triaged")
    decide(incident, data_office)
    with pytest.raises(services.IncidentError) as error:
        services.incident_status_change(incident=incident, actor=data_office, status="closed")
    assert "note" in error.value.message_dict
    incident = services.incident_status_change(
        incident=incident, actor=data_office, status="closed", note="Recipient deleted it; advice given."
    )
    assert incident.status == Incident.Status.CLOSED and incident.closed_at
    changes = incident.events.filter(kind=IncidentEvent.Kind.STATUS_CHANGED).order_by("at", "pk")
    assert [(e.actor, e.text.splitlines()[0]) for e in changes] == [
        (data_office, "Status: Triaged."),
        (data_office, "Status: Investigating."),
        (data_office, "Status: Closed."),
    ]
    assert not incident.steps.filter(fired_at__isnull=True, cancelled_at__isnull=True).exists()
    with pytest.raises(services.NotAllowed):
        services.incident_update_add(incident=incident, actor=reporter, text="Late news")

    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(incident).exists()


def test_the_timeline_is_never_rewritten(open_incident):
    event = open_incident().events.first()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_the_devices_app_opens_an_incident_with_the_clock_already_running(officer, tech_bar_staff):
    noticed = timezone.now() - timedelta(hours=3)
    incident = services.incident_open_for_lost_device(
        holder=officer,
        actor=tech_bar_staff,
        description="iPhone 15 lost on a bus",
        asset_tag="MPS-123456",
        aware_at=noticed,
    )
    assert incident.reporter == officer and incident.source == Incident.Source.DEVICE
    assert incident.asset_tags == "MPS-123456" and incident.device_involved == YesNoUnknown.YES
    assert incident.due_at == noticed + timedelta(hours=12)
    first = incident.events.get(kind=IncidentEvent.Kind.FIRST_NOTIFICATION)
    assert f"by {tech_bar_staff.get_full_name()} for {officer.get_full_name()}" in first.text
    # "not sure" about personal data: a lost phone may hold it, so the 72 hours run too
    assert incident.decision_due_at == noticed + timedelta(hours=72)


def test_a_supervisor_learns_a_report_is_outstanding_never_what_it_is(open_incident, supervisor, settings):
    settings.TIMER_CLOCK = "application"
    import time_machine

    from portal import timers

    incident = open_incident(hours_ago=0, summary="Victim's address posted on Facebook")
    with time_machine.travel(timezone.now() + timedelta(hours=6, minutes=1), tick=False):
        timers.sweep(schedule_ahead=False)
    (note,) = supervisor.notifications.all()
    assert incident.summary not in note.subject + note.body
    assert note.url == ""


def test_a_reporter_without_a_supervisor_escalates_to_the_duty_inbox(
    settings, django_capture_on_commit_callbacks, mail_delivered_at_once
):
    import time_machine
    from django.core import mail

    from portal import timers

    settings.TIMER_CLOCK = "application"
    loner = UserFactory(roles=[Role.OFFICER], supervisor=None)
    incident = services.incident_open(
        reporter=loner, summary="x", aware_at=timezone.now(), personal_data_involved="no", device_involved="no"
    )
    mail.outbox.clear()
    later = timezone.now() + timedelta(hours=6, minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        timers.sweep(schedule_ahead=False)
    assert any("no supervisor on record" in m.subject for m in mail.outbox)
    six_hours = incident.events.get(kind=IncidentEvent.Kind.STEP_FIRED, step__step="reminder_6h")
    assert "no supervisor on record" in six_hours.text


def test_the_ladders_are_sound_and_every_action_is_carried_out(settings):
    assert ladders.problems() == []
    assert ladders.ACTIONS.problems() == []  # every action has its words and its handler
    settings.INCIDENT_REPORT_LADDER = [
        {"step": "late", "after_hours": 12, "actions": ["mark_late", "phone_the_chief"]},
        {"step": "late", "after_hours": -1, "actions": []},
    ]
    problems = ladders.problems()
    assert any("unknown action 'phone_the_chief'" in p for p in problems)
    assert any("appears twice" in p for p in problems)
    assert any("after the awareness time" in p for p in problems)
    from incidents.checks import check_ladders

    assert {e.id for e in check_ladders(None)} == {"incidents.E001"}


def test_a_ladder_from_settings_is_used(settings, reporter):
    settings.INCIDENT_REPORT_LADDER = [
        {"step": "nudge_1h", "after_hours": 1, "actions": ["remind_reporter"]},
        {"step": "late", "after_hours": 12, "actions": ["mark_late"]},
    ]
    incident = services.incident_open(
        reporter=reporter, summary="x", aware_at=timezone.now(), personal_data_involved="no", device_involved="no"
    )
    assert list(incident.steps.values_list("step", flat=True)) == ["nudge_1h", "late"]
