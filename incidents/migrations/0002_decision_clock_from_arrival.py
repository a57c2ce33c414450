"""The 72-hour decision clock runs from awareness for every report that may involve personal
data, triaged or not (DESIGN.md). Open, untriaged reports of that kind that arrived before this
change get their clock and its escalation steps now, as incidents.services would have set them on
arrival: of the steps already past, only the latest is kept, and the next sweep fires it."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from incidents import ladders


def start_missing_decision_clocks(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    IncidentStep = apps.get_model("incidents", "IncidentStep")
    IncidentEvent = apps.get_model("incidents", "IncidentEvent")
    now = timezone.now()
    waiting = (
        Incident.objects.exclude(status="closed")
        .filter(personal_data_breach__isnull=True, decision_due_at__isnull=True)
        .filter(personal_data_involved__in=["yes", "unknown"])
    )
    rungs = ladders.decision_ladder()
    for incident in waiting.iterator():
        incident.decision_due_at = incident.aware_at + ladders.DECISION_DEADLINE
        incident.save(update_fields=["decision_due_at"])
        existing = set(IncidentStep.objects.filter(incident=incident).values_list("step", flat=True))
        rows = [
            IncidentStep(incident=incident, ladder=r.ladder, step=r.step, due_at=incident.aware_at + r.after)
            for r in rungs
            if r.step not in existing
        ]
        past = [row for row in rows if row.due_at <= now]
        for row in past[:-1]:
            row.cancelled_at, row.cancel_reason = now, "Already past when the clock started; a later step covers it"
        IncidentStep.objects.bulk_create(rows)
        due = timezone.localtime(incident.decision_due_at).strftime("%-d %b %Y %H:%M")
        IncidentEvent.objects.create(
            incident=incident,
            at=now,
            kind="decision_clock_started",
            actor=None,
            text=f"72-hour clock running: personal data may be involved (set when the clock moved to arrival). "
            f"Decision on telling the Information Commissioner due {due}.",
            visible_to_reporter=False,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="incident",
            name="incidents_decision_clock_for_breaches",
        ),
        migrations.RunPython(start_missing_decision_clocks, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("personal_data_breach", True), _negated=True),
                    ("decision_due_at__isnull", False),
                    _connector="OR",
                ),
                name="incidents_breach_has_decision_clock",
                violation_error_message="A personal data breach has a 72-hour decision clock.",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("personal_data_breach", False), _negated=True),
                    ("decision_due_at__isnull", True),
                    _connector="OR",
                ),
                name="incidents_no_decision_clock_unless_breach",
                violation_error_message="An incident triaged as not a personal data breach has no 72-hour clock.",
            ),
        ),
    ]
