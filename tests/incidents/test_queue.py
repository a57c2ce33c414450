"""The Data Office queue: deadline order, states, and a query count that does not grow with the
number of incidents (10 or 2,000), for the page and for the export."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import selectors
from incidents.models import Incident, RegulatorDecision
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bulk_incidents(count: int, reviewer) -> None:
    """`count` incidents in a mix of states, written in bulk (as the services would leave them)."""
    now = timezone.now()
    reporters = [UserFactory(roles=[Role.OFFICER], command_unit=f"Unit {n}") for n in range(5)]
    rows = []
    for n in range(count):
        aware = now - timedelta(hours=n % 100)
        kind = n % 4
        rows.append(
            Incident(
                reporter=reporters[n % len(reporters)],
                aware_at=aware,
                due_at=aware + timedelta(hours=12),
                created_at=aware,
                summary=f"Incident number {n}",
                personal_data_involved="yes",
                device_involved="no",
                status=[Incident.Status.NOTIFIED, Incident.Status.REPORTED, Incident.Status.TRIAGED][min(kind, 2)],
                submitted_at=None if kind == 0 else aware + timedelta(hours=1),
                late_at=aware + timedelta(hours=12) if kind == 0 and n % 100 > 12 else None,
                triaged_at=aware + timedelta(hours=2) if kind >= 2 else None,
                triaged_by=reviewer if kind >= 2 else None,
                owner=reviewer if kind >= 2 else None,
                severity="high" if kind >= 2 else "",
                personal_data_breach=True if kind >= 2 else None,
                decision_due_at=aware + timedelta(hours=72) if kind >= 2 else None,
            )
        )
    Incident.objects.bulk_create(rows, batch_size=500)
    decided = Incident.objects.filter(personal_data_breach=True, decision__isnull=True)[: max(1, count // 8)]
    RegulatorDecision.objects.bulk_create(
        RegulatorDecision(
            incident=incident,
            regime="uk_gdpr",
            risk_rating="unlikely",
            outcome="not_notifiable",
            people_told=False,
            reasons="Contained at once.",
            decided_by=reviewer,
        )
        for incident in decided
    )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_suffix", ["", "?_export=csv", "?status=triaged&severity=high"])
def test_the_queue_costs_the_same_queries_for_10_or_2000_incidents(
    client, data_office, second_reviewer, url_suffix, django_assert_max_num_queries
):
    client.force_login(data_office)
    url = reverse("incidents:incident_queue") + url_suffix
    bulk_incidents(10, second_reviewer)
    with_ten = queries_for(client, url)

    bulk_incidents(1990, second_reviewer)
    assert Incident.objects.count() == 2000
    with django_assert_max_num_queries(with_ten):
        response = client.get(url)
    assert response.status_code == 200
    if not url_suffix:
        assert "Page 1 of 40" in response.content.decode()
    if "_export" in url_suffix:
        assert response.content.decode().count("Incident number") == 2000


def test_the_queue_is_in_deadline_order_with_states(data_office, reporter, open_incident, full_report):
    from incidents import services

    on_time = open_incident(hours_ago=1, summary="on time")
    due_soon = open_incident(hours_ago=10.5, summary="due soon")
    late = open_incident(hours_ago=14, summary="late")
    reported = services.incident_submit(
        incident=open_incident(hours_ago=2, summary="reported"), actor=reporter, values=full_report
    )
    breach = services.incident_submit(
        incident=open_incident(hours_ago=70, summary="breach"),
        actor=reporter,
        values={**full_report, "delay_reasons": "Away"},
    )
    services.incident_triage(
        incident=breach,
        actor=data_office,
        severity="high",
        likelihood="likely",
        personal_data_breach=True,
        owner=data_office,
    )
    overdue = services.incident_submit(
        incident=open_incident(hours_ago=80, summary="overdue"),
        actor=reporter,
        values={**full_report, "delay_reasons": "Away"},
    )
    overdue = services.incident_triage(
        incident=overdue,
        actor=data_office,
        severity="high",
        likelihood="likely",
        personal_data_breach=True,
        owner=data_office,
    )

    queue = list(selectors.incident_queue(user=data_office))
    # Soonest (or longest-passed) deadline first, whichever clock it is on.
    assert [i.summary for i in queue] == ["overdue", "late", "due soon", "breach", "on time", "reported"]
    states = {i.summary: i.timeliness for i in queue}
    assert states == {
        "late": "late",
        "due soon": "due_soon",
        "on time": "on_time",
        "overdue": "overdue",
        "breach": "due_soon",
        "reported": "on_time",
    }
    assert [i.next_deadline for i in queue][1:3] == [late.due_at, due_soon.due_at]
    assert queue[0].next_deadline == overdue.decision_due_at
    assert queue[4].next_deadline == on_time.due_at
    assert queue[-1].next_deadline is None and queue[-1].pk == reported.pk


def test_only_reviewers_have_a_queue(officer, tech_bar_staff, supervisor, open_incident):
    open_incident()
    for person in (officer, tech_bar_staff, supervisor):
        assert not selectors.incident_queue(user=person).exists()
