"""bench/timers.py at a tiny scale: every step fires exactly once (the bench checks that itself),
each ladder gets its share, and afterwards the database is as it was, its audit chains unbroken.
No timings are asserted (machines differ); the bench reports them."""

import pytest
from auditlog.models import LogEntry

from bench.timers import measure_timers
from devices.models import (
    DeviceRequest,
    DeviceRequestStep,
    LeaverCase,
    LeaverEvent,
    LeaverPropertyKind,
    LeaverStep,
    TechBar,
)
from incidents.models import Incident, IncidentEvent, IncidentStep
from portal import audit_chain
from portal.models import Notification, OutboundEmail, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MODELS = (
    User,
    TechBar,
    LeaverPropertyKind,
    LogEntry,
    Incident,
    IncidentStep,
    IncidentEvent,
    LeaverCase,
    LeaverStep,
    LeaverEvent,
    DeviceRequest,
    DeviceRequestStep,
    Notification,
    OutboundEmail,
)


def test_the_timers_bench_fires_every_step_once_and_leaves_nothing_behind(data_office):
    before = {model: model.objects.count() for model in MODELS}

    result = measure_timers(n=60)

    assert result["steps"] == result["fired"] == 60
    assert result["per_ladder"] == {"incident": 24, "leaver": 24, "request": 12}
    assert result["database"] == "postgresql"
    assert result["queries_per_step"] > 0 and result["steps_per_second"] > 0
    assert {model: model.objects.count() for model in MODELS} == before
    assert all(audit_chain.first_break(model)[1] is None for model in audit_chain.chained_models())


def test_the_bench_fails_loudly_when_a_step_does_not_fire(monkeypatch):
    from portal import timers

    label = IncidentStep._meta.label
    monkeypatch.setitem(timers._registry, label, timers.Timer(IncidentStep, "incident", _broken))
    before = Incident.objects.count()

    with pytest.raises(AssertionError, match="IncidentStep rows did not fire"):
        measure_timers(n=10)
    assert Incident.objects.count() == before  # cleaned up all the same


def _broken(step):
    raise RuntimeError("mail server on fire")
