"""`manage.py timers`: per step model, steps due now, overdue, fired in the last hour, next due;
exit code 2 when a step is overdue beyond the threshold."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from incidents.models import Incident, IncidentStep
from portal.localtime import local_time
from portal.timer_status import timers_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LABEL = IncidentStep._meta.label


@pytest.fixture
def steps(db):
    """Rows as the services write them, with their times set by hand: each kind of step once."""
    now = timezone.now()
    incident = Incident.objects.create(
        reporter=UserFactory(),
        aware_at=now - timedelta(hours=3),
        due_at=now + timedelta(hours=9),
        summary="Timer status test",
        personal_data_involved="no",
        device_involved="no",
    )

    def step(name, *, due, fired=None, cancelled=None):
        return IncidentStep.objects.create(
            incident=incident,
            ladder="report",
            step=name,
            due_at=now + due,
            fired_at=now + fired if fired is not None else None,
            cancelled_at=now + cancelled if cancelled is not None else None,
        )

    return {
        "overdue": step("overdue", due=timedelta(minutes=-10)),
        "just_due": step("just_due", due=timedelta(minutes=-2)),
        "fired_lately": step("fired_lately", due=timedelta(minutes=-31), fired=timedelta(minutes=-30)),
        "fired_long_ago": step("fired_long_ago", due=timedelta(hours=-2), fired=timedelta(hours=-2)),
        "cancelled": step("cancelled", due=timedelta(minutes=-20), cancelled=timedelta(minutes=-25)),
        "next": step("next", due=timedelta(minutes=15)),
        "later": step("later", due=timedelta(hours=3)),
    }


def test_the_status_counts_each_kind_of_step(steps):
    (row,) = [r for r in timers_status(overdue_after=timedelta(minutes=5)) if r.label == LABEL]
    assert (row.due_now, row.overdue, row.fired_last_hour) == (2, 1, 1)
    assert row.oldest_due_at == steps["overdue"].due_at
    assert row.next_due_at == steps["next"].due_at
    assert row.owner == "incident"


def test_the_command_prints_the_state_and_fails_when_a_step_is_overdue(steps):
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("timers", stdout=out)
    assert failure.value.returncode == 2
    assert "1 step(s) overdue by more than 5 min" in str(failure.value)
    text = out.getvalue()
    assert f"{LABEL} (per incident)" in text
    assert "due now:                2" in text
    assert "overdue:                1" in text
    assert "fired in the last hour: 1" in text
    assert f"next due:               {local_time(steps['next'].due_at)}" in text
    assert f"oldest due, not fired:  {local_time(steps['overdue'].due_at)}" in text


def test_a_longer_threshold_is_not_overdue_and_exits_zero(steps):
    out = StringIO()
    call_command("timers", "--overdue-minutes", "15", stdout=out)
    assert "overdue:                0" in out.getvalue()
    assert "due now:                2" in out.getvalue()


def test_after_a_sweep_nothing_is_due_and_the_fired_ones_count(steps):
    call_command("sweep_timers", stdout=StringIO())
    out = StringIO()
    call_command("timers", stdout=out)  # exits 0: nothing overdue now
    text = out.getvalue()
    assert "due now:                0" in text
    assert "fired in the last hour: 3" in text
    assert "oldest due, not fired:  none" in text


def test_no_steps_at_all():
    out = StringIO()
    call_command("timers", stdout=out)
    assert "due now:                0" in out.getvalue()
    assert "next due:               none" in out.getvalue()


def test_a_negative_threshold_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        call_command("timers", "--overdue-minutes", "-1")
