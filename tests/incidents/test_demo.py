"""The demo incidents: every state the pages show, made through the services, once."""

import pytest

from incidents.demo import seed_incidents_demo
from incidents.models import Incident
from incidents.selectors import incident_queue
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_and_seeding_twice_changes_nothing(data_office, supervisor):
    people = [UserFactory(roles=[Role.OFFICER], supervisor=supervisor) for _ in range(4)]

    seed_incidents_demo(people=people, data_office=[data_office])
    first = Incident.objects.count()
    seed_incidents_demo(people=people, data_office=data_office)

    assert Incident.objects.count() == first == 7
    states = {i.timeliness for i in incident_queue(user=data_office)}
    assert {"on_time", "due_soon", "late"} <= states
    statuses = set(Incident.objects.values_list("status", flat=True))
    assert statuses == {"notified", "reported", "triaged", "investigating", "closed"}
    assert Incident.objects.filter(decision__outcome="notified").exists()
    assert Incident.objects.filter(decision_due_at__isnull=False, decision__isnull=True).exists()
    assert not Incident.objects.filter(reporter=data_office).exists()


def test_the_demo_without_reviewers_still_fills_the_reporters_pages(supervisor):
    seed_incidents_demo(people=[UserFactory(roles=[Role.OFFICER], supervisor=supervisor)], data_office=[])
    assert Incident.objects.count() == 4
    assert not Incident.objects.filter(triaged_at__isnull=False).exists()
