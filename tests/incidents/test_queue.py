"""The Data Office queue: deadline order, states, and a query count that does not grow with the
number of incidents (10 or 2,000), for the page and for the export."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import selectors
from incidents.filters import IncidentFilterSet
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
                decision_due_at=aware + timedelta(hours=72),  # personal data involved: from arrival
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
        body = (response.getvalue() if response.streaming else response.content).decode()  # a CSV streams
    assert response.status_code == 200
    if not url_suffix:
        assert "Page 1 of 40" in body
    if "_export" in url_suffix:
        assert body.count("Incident number") == 2000


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
    # untriaged, but personal data is involved: its 72-hour clock has run since it arrived
    assert queue[-1].pk == reported.pk and queue[-1].next_deadline == reported.aware_at + timedelta(hours=72)
    assert queue[-1].next_deadline_kind == "decision"


def test_only_reviewers_have_a_queue(officer, tech_bar_staff, supervisor, open_incident):
    open_incident()
    for person in (officer, tech_bar_staff, supervisor):
        assert not selectors.incident_queue(user=person).exists()


# --- Urgency order, closed incidents, the 72-hour clock from arrival (frozen time) -------------
NOW = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # late evening: London and UTC agree in winter


@pytest.fixture
def frozen(freeze_clock):
    with freeze_clock(NOW):
        yield


def _triage(incident, reviewer, *, breach: bool):
    from incidents import services

    return services.incident_triage(
        incident=incident,
        actor=reviewer,
        severity=Incident.Severity.HIGH if breach else Incident.Severity.LOW,
        likelihood=Incident.Likelihood.LIKELY if breach else Incident.Likelihood.REMOTE,
        personal_data_breach=breach,
        owner=reviewer,
    )


def _submitted(incident, reporter, full_report):
    from incidents import services

    values = {**full_report, "delay_reasons": "Away"} if incident.is_late else full_report
    return services.incident_submit(incident=incident, actor=reporter, values=values)


def test_the_queue_puts_the_most_urgent_first(frozen, data_office, reporter, open_incident, full_report):
    from incidents import services

    missed_report = open_incident(hours_ago=14, summary="missed report")
    decision_overdue = _triage(
        _submitted(open_incident(hours_ago=80, summary="decision overdue"), reporter, full_report),
        data_office,
        breach=True,
    )
    untriaged_decision = _submitted(
        open_incident(hours_ago=66, summary="untriaged, decision in 6h"), reporter, full_report
    )
    triaged_decision = _triage(
        _submitted(open_incident(hours_ago=66, summary="triaged, decision in 6h"), reporter, full_report),
        data_office,
        breach=True,
    )
    report_same_instant = open_incident(hours_ago=6, summary="report in 6h", personal_data_involved="no")
    report_soon = open_incident(hours_ago=11, summary="report in 1h", personal_data_involved="no")
    no_clock_untriaged = _submitted(
        open_incident(hours_ago=30, summary="no clock, untriaged", personal_data_involved="no"), reporter, full_report
    )
    no_clock_triaged = _triage(
        _submitted(open_incident(hours_ago=40, summary="no clock, triaged"), reporter, full_report),
        data_office,
        breach=False,
    )
    closed = services.incident_status_change(
        incident=_triage(
            _submitted(open_incident(hours_ago=20, summary="closed"), reporter, full_report), data_office, breach=False
        ),
        actor=data_office,
        status=Incident.Status.CLOSED,
        note="Nothing left the force.",
    )

    filterset = IncidentFilterSet(None, queryset=selectors.incident_queue(user=data_office))
    queue = list(filterset.qs)
    assert [i.summary for i in queue] == [
        "decision overdue",  # 72 hours passed 8 hours ago
        "missed report",  # 12 hours passed 2 hours ago
        "report in 1h",
        "report in 6h",  # the 12-hour report before a 72-hour decision due at the same instant
        "untriaged, decision in 6h",  # untriaged before triaged
        "triaged, decision in 6h",
        "no clock, untriaged",
        "no clock, triaged",
    ]
    assert closed.pk not in {i.pk for i in queue}
    by_summary = {i.summary: i for i in queue}
    assert by_summary["decision overdue"].timeliness == "overdue"
    assert by_summary["missed report"].next_deadline == missed_report.due_at == NOW - timedelta(hours=2)
    assert by_summary["missed report"].decision_clock_due == NOW + timedelta(hours=58)
    assert by_summary["untriaged, decision in 6h"].next_deadline == untriaged_decision.decision_due_at
    assert by_summary["report in 6h"].next_deadline == report_same_instant.due_at == triaged_decision.decision_due_at
    assert by_summary["report in 1h"].pk == report_soon.pk
    assert by_summary["no clock, untriaged"].next_deadline is None and no_clock_untriaged.decision_due_at is None
    assert by_summary["no clock, triaged"].pk == no_clock_triaged.pk
    assert decision_overdue.decision_overdue_at is not None


def test_closed_incidents_are_hidden_unless_the_filter_asks(
    frozen, client, data_office, reporter, open_incident, full_report
):
    from incidents import services

    open_incident(hours_ago=1, summary="still open")
    services.incident_status_change(
        incident=_triage(
            _submitted(open_incident(hours_ago=3, summary="long since closed"), reporter, full_report),
            data_office,
            breach=False,
        ),
        actor=data_office,
        status=Incident.Status.CLOSED,
        note="Nothing left the force.",
    )
    client.force_login(data_office)
    url = reverse("incidents:incident_queue")

    default = client.get(url).content.decode()
    assert "still open" in default and "long since closed" not in default
    only_closed = client.get(url, {"status": "closed"}).content.decode()
    assert "long since closed" in only_closed and "still open" not in only_closed
    everything = client.get(url, {"status": "any"}).content.decode()
    assert "long since closed" in everything and "still open" in everything
    assert "Any, including closed" in default
    export = client.get(url, {"_export": "csv"})
    assert "still open" in export.getvalue().decode() and "long since closed" not in export.getvalue().decode()


def test_an_untriaged_report_with_personal_data_shows_its_72_hour_clock(frozen, client, data_office, open_incident):
    incident = open_incident(hours_ago=2, summary="Victim's address read out on the radio")
    assert incident.triaged_at is None and incident.decision_due_at == NOW + timedelta(hours=70)
    client.force_login(data_office)

    queue = client.get(reverse("incidents:incident_queue")).content.decode()
    assert "Full report: 10\xa0hours left" in queue
    assert "72-hour decision:" in queue and "2\xa0days, 22\xa0hours left" in queue
    assert "No deadline running" not in queue

    review = client.get(incident.get_review_url()).content.decode()
    assert "Regulator decision" in review and "2\xa0days, 22\xa0hours left" in review


def test_the_reporter_sees_their_12_hour_clock_not_the_data_offices(frozen, client, reporter, open_incident):
    # 80 hours on, unsubmitted: for the Data Office the 72-hour decision is overdue; for the
    # reporter, their report is late.
    incident = open_incident(hours_ago=80)
    client.force_login(reporter)
    for page in (client.get(reverse("portal:home")), client.get(incident.get_absolute_url())):
        html = page.content.decode()
        assert ">Late</strong>" in html and ">Overdue</strong>" not in html


@pytest.mark.parametrize("url_suffix", ["", "?status=any"])
def test_the_queue_costs_the_same_queries_for_5_or_50_incidents(
    client, data_office, second_reviewer, url_suffix, django_assert_max_num_queries
):
    client.force_login(data_office)
    url = reverse("incidents:incident_queue") + url_suffix
    bulk_incidents(5, second_reviewer)
    with_five = queries_for(client, url)
    bulk_incidents(45, second_reviewer)
    assert Incident.objects.count() == 50
    with django_assert_max_num_queries(with_five):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("Incident number") == 50


@pytest.mark.postgres
def test_the_queue_reads_only_the_open_incidents_on_postgresql(client, data_office, second_reviewer):
    """Closed incidents pile up; the queue hides them unless asked: its count and the query choosing
    its page read the open ones from the partial index incidents_open, not every incident."""
    bulk_incidents(300, second_reviewer)
    client.force_login(data_office)
    client.get(reverse("incidents:incident_queue"))  # warm the session
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_incident")
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("incidents:incident_queue")).status_code == 200
    reads = [
        q["sql"] for q in page.captured_queries if q["sql"].startswith("SELECT") and "incidents_incident" in q["sql"]
    ]
    assert len(reads) == 2  # the count and the page
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "incidents_open" in plan, plan
