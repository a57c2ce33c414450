"""The Conditions of use dashboard against a hand-computed fixture: six people, three accepted."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.models import Role
from tests.factories import UserFactory
from tests.policy.factories import accept, published_version


@pytest.fixture
def policy_in_force(db, fixed_clock, data_office, supervisor):
    """North: the publisher (never), data_office, supervisor and n1 (accepted), n2 (never).
    South: s1 (never). The supervisor's team is n1 and n2."""
    admin = UserFactory(roles=[Role.PORTAL_ADMIN], command_unit="North")
    n1 = UserFactory(roles=[Role.OFFICER], command_unit="North", supervisor=supervisor)
    UserFactory(roles=[Role.OFFICER], command_unit="North", supervisor=supervisor)
    UserFactory(roles=[Role.OFFICER], command_unit="South")
    version = published_version(by=admin, grace_days=1)
    for person in (data_office, supervisor, n1):
        accept(person, version)
    fixed_clock.shift(timedelta(days=2))  # past the one-day grace period
    return version


def _tables(response):
    return {
        p.id.rsplit("-", 1)[-1]: {r.header: r.cells for r in p.chart.table.rows} for p, _ in response.context["panels"]
    }


def test_the_data_office_sees_everyone(client_as, policy_in_force):
    tables = _tables(client_as("data_office").get(reverse("portal:dashboard", args=["conditions-of-use"])))
    # accepted %, people, accepted, up to date
    assert tables["units"] == {
        "All": ["50%", "6", "3", "3"],
        "North": ["60%", "5", "3", "3"],
        "South": ["0%", "1", "0", "0"],
    }
    assert tables["outstanding"] == {"All": ["3"], "North": ["2"], "South": ["1"]}
    last_day = list(tables["curve"].values())[-1]
    assert last_day == ["50%", "3 of 6"]


def test_the_supervisor_sees_their_team(client_as, policy_in_force):
    tables = _tables(client_as("supervisor").get(reverse("portal:dashboard", args=["conditions-of-use"])))
    assert tables["units"] == {"All": ["50%", "2", "1", "1"], "North": ["50%", "2", "1", "1"]}
    assert tables["outstanding"] == {"All": ["1"], "North": ["1"]}


def test_a_command_unit_narrows_it(client_as, policy_in_force):
    url = reverse("portal:dashboard", args=["conditions-of-use"])
    tables = _tables(client_as("data_office").get(url, {"unit": "South"}))
    assert tables["units"] == {"All": ["0%", "1", "0", "0"], "South": ["0%", "1", "0", "0"]}
    assert tables["outstanding"] == {"All": ["1"], "South": ["1"]}
