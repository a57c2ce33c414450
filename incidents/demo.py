"""Demo incidents in every state, so the queue, the home page and the timelines show something.

Made through the services, as real ones are, with awareness times set in the past. Idempotent:
an incident already seeded for a person (same summary) is left alone.
"""

from collections.abc import Sequence
from datetime import timedelta

from incidents import services
from incidents.models import BreachKind, DataCategory, Incident, PeopleCategory, RegulatorDecision, YesNoUnknown
from portal import demo, timers
from portal.models import User


def _report(**overrides) -> dict:
    values = {
        "what_happened": "Details as described in the first notification; see the summary.",
        "where_happened": "Response team office, North BCU",
        "breach_kinds": [BreachKind.CONFIDENTIALITY],
        "likely_consequences": "Distress to the people named; possible harm to an investigation.",
        "containment": "Asked the recipient to delete the email and confirm in writing.",
        "contact_phone": "020 7946 0000",
    }
    values.update(overrides)
    return values


def seed_incidents_demo(*, people: Sequence[User], data_office: Sequence[User] | User) -> None:
    """Create a handful of believable incidents. `people` report them (at least one is needed);
    `data_office` are reviewers who triage and decide (none of them reports one triaged here)."""
    reviewers = [data_office] if isinstance(data_office, User) else list(data_office)
    if not people:
        return
    reviewer = reviewers[0] if reviewers else None
    reporters = [p for p in people if p not in reviewers] or list(people)
    now = timers.current_time()

    def who(index: int) -> User:
        return reporters[index % len(reporters)]

    def opened(index: int, summary: str, hours_ago: float, **kwargs) -> Incident | None:
        reporter = who(index)
        if Incident.objects.filter(reporter=reporter, summary=summary).exists():
            return None
        return services.incident_open(
            reporter=reporter,
            summary=summary,
            aware_at=now - timedelta(hours=hours_ago),
            personal_data_involved=kwargs.pop("personal_data_involved", YesNoUnknown.YES),
            device_involved=kwargs.pop("device_involved", YesNoUnknown.NO),
        )

    # A first notification whose full report is due soon (the 10-hour alert has gone out).
    incident = opened(0, "Sent a witness statement to the wrong email address", 10.5)
    if incident:
        services.incident_draft_save(
            incident=incident,
            actor=incident.reporter,
            values={"what_happened": "Typed the first letters of the address and picked the wrong suggestion."},
        )

    # Just notified, plenty of time left.
    opened(1, "Left a pocket notebook in a café; found and returned by staff", 1, device_involved=YesNoUnknown.NO)

    # Late: nobody completed it within 12 hours.
    opened(2, "Work phone lost on the night bus", 14, device_involved=YesNoUnknown.YES)

    # Submitted on time, waiting for triage.
    incident = opened(0, "Shared a custody image in the wrong Teams channel", 3)
    if incident:
        services.incident_submit(
            incident=incident,
            actor=incident.reporter,
            values=_report(
                people_categories=[PeopleCategory.SUSPECTS],
                data_categories=[DataCategory.IDENTITY, DataCategory.CRIMINAL_OFFENCE],
                people_affected=1,
                records_affected=1,
            ),
        )

    if reviewer is None:
        return

    # Triaged as a personal data breach: the 72-hour decision clock is running.
    incident = opened(1, "Victim's address read out on an open radio channel", 5)
    if incident:
        services.incident_submit(
            incident=incident,
            actor=incident.reporter,
            values=_report(
                people_categories=[PeopleCategory.VICTIMS],
                data_categories=[DataCategory.CONTACT],
                people_affected=1,
                records_affected=1,
            ),
        )
        services.incident_triage(
            incident=incident,
            actor=reviewer,
            severity=Incident.Severity.HIGH,
            likelihood=Incident.Likelihood.LIKELY,
            personal_data_breach=True,
            owner=reviewer,
        )

    # Decided: notified to the ICO, now being investigated.
    incident = opened(2, "Spreadsheet of stop-and-search records emailed outside the force", 30)
    if incident:
        services.incident_submit(
            incident=incident,
            actor=incident.reporter,
            values=_report(
                delay_reasons="Noticed at the end of a night shift; reported the next afternoon.",
                people_categories=[PeopleCategory.PUBLIC],
                data_categories=[DataCategory.IDENTITY, DataCategory.LOCATION],
                people_affected=240,
                records_affected=240,
            ),
        )
        services.incident_triage(
            incident=incident,
            actor=reviewer,
            severity=Incident.Severity.CRITICAL,
            likelihood=Incident.Likelihood.ALMOST_CERTAIN,
            personal_data_breach=True,
            owner=reviewer,
        )
        services.incident_decision_record(
            incident=incident,
            actor=reviewer,
            regime=RegulatorDecision.Regime.DPA_PART_3,
            risk_rating=RegulatorDecision.Risk.HIGH,
            outcome=RegulatorDecision.Outcome.NOTIFIED,
            ico_reference="IC-123456-A1B2",
            ico_notified_at=now - timedelta(hours=1),
            people_told=True,
            reasons="Names, addresses and search grounds of 240 people left the force: a high risk of harm.",
        )
        services.incident_status_change(
            incident=incident, actor=reviewer, status=Incident.Status.INVESTIGATING, note="Recipient contacted."
        )

    # Closed: not a personal data breach.
    incident = opened(
        3, "Laptop left unlocked in a shared office for ten minutes", 80, personal_data_involved=YesNoUnknown.NO
    )
    if incident:
        services.incident_submit(
            incident=incident,
            actor=incident.reporter,
            values=_report(
                breach_kinds=[BreachKind.CONFIDENTIALITY],
                delay_reasons="Did not realise it needed reporting until a briefing three days later.",
            ),
        )
        services.incident_triage(
            incident=incident,
            actor=reviewer,
            severity=Incident.Severity.LOW,
            likelihood=Incident.Likelihood.REMOTE,
            personal_data_breach=False,
            owner=reviewer,
        )
        services.incident_status_change(
            incident=incident,
            actor=reviewer,
            status=Incident.Status.CLOSED,
            note="No access during the ten minutes (audit log checked). Reminder given about screen locking.",
        )


def seed_demo_force(force: demo.DemoForce) -> None:
    """seed_demo's step: incidents in every state, reported by anyone but the Data Office's DO001."""
    seed_incidents_demo(
        people=[p for p in force.people if p.payroll_number != "DO001"], data_office=force.person("DO001")
    )


demo.register_seeder(order=500, seed=seed_demo_force)
