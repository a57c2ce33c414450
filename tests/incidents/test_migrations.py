"""Migration 0002: open, untriaged reports that may involve personal data get the 72-hour clock
they would have had on arrival; others are left alone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0001_initial")]
AFTER = [("incidents", "0002_decision_clock_from_arrival")]
NOW = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)


@pytest.fixture
def back_to_the_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_open_untriaged_reports_with_personal_data_get_their_clock_from_awareness(back_to_the_latest):
    with time_machine.travel(NOW, tick=False):
        apps = _migrate(BEFORE)
        User = apps.get_model("portal", "User")
        Incident = apps.get_model("incidents", "Incident")
        reporter = User.objects.create(payroll_number="PC9001", email="a@police.example")

        def incident(summary, hours_ago, **fields):
            aware = NOW - timedelta(hours=hours_ago)
            return Incident.objects.create(
                reporter=reporter,
                summary=summary,
                aware_at=aware,
                due_at=aware + timedelta(hours=12),
                device_involved="no",
                **{"personal_data_involved": "yes", **fields},
            )

        fresh = incident("fresh", 2)
        old = incident("old", 61, personal_data_involved="unknown")
        none = incident("no personal data", 2, personal_data_involved="no")
        closed = incident("closed", 5, status="closed", closed_at=NOW)
        apps = _migrate(AFTER)
        Incident = apps.get_model("incidents", "Incident")
        IncidentStep = apps.get_model("incidents", "IncidentStep")
        IncidentEvent = apps.get_model("incidents", "IncidentEvent")

        by_pk = {i.pk: i for i in Incident.objects.all()}
        assert by_pk[fresh.pk].decision_due_at == NOW + timedelta(hours=70)
        assert by_pk[old.pk].decision_due_at == NOW + timedelta(hours=11)
        assert by_pk[none.pk].decision_due_at is None and by_pk[closed.pk].decision_due_at is None

        fresh_steps = IncidentStep.objects.filter(incident_id=fresh.pk, ladder="decision")
        assert fresh_steps.count() == 4 and not fresh_steps.filter(cancelled_at__isnull=False).exists()
        old_pending = IncidentStep.objects.filter(incident_id=old.pk, cancelled_at__isnull=True)
        # 48 and 60 hours are past: only the latest is kept, for the next sweep to fire
        assert sorted(old_pending.values_list("step", flat=True)) == [
            "decision_60h",
            "decision_66h",
            "decision_overdue",
        ]
        assert not IncidentStep.objects.filter(incident_id__in=[none.pk, closed.pk]).exists()
        started = IncidentEvent.objects.filter(kind="decision_clock_started", visible_to_reporter=False)
        assert set(started.values_list("incident_id", flat=True)) == {fresh.pk, old.pk}
