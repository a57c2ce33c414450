"""The gate's "up to date" answer kept with the sign-in (policy.middleware.UP_TO_DATE): once a
person has accepted everything that covers them, page loads read no acknowledgement until a new
version needs accepting, a role brings another policy, or they sign in again."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policy.middleware import UP_TO_DATE
from policy.models import Policy
from portal.roles import Role
from tests.policy.factories import PolicyFactory, accept, published_version
from tests.policy.pages import is_sent_to_accept

pytestmark = pytest.mark.django_db


def _acknowledgements_read(client, path="/devices/my-kit/") -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return sum('"policy_acknowledgement"' in q["sql"] for q in queries.captured_queries), response


def test_signing_in_up_to_date_notes_it_and_the_gate_reads_no_acknowledgement(client, officer, version):
    accept(officer, version)
    client.force_login(officer)
    assert client.session[UP_TO_DATE] == f"{officer.pk}:{version.pk}"
    for _ in range(2):
        read, response = _acknowledgements_read(client)
        assert response.status_code == 200 and read == 0


def test_accepting_is_noted_at_the_next_session_write_never_by_a_write_of_its_own(gated, officer, version):
    from portal.middleware import LAST_SEEN_AT

    assert UP_TO_DATE not in gated.session  # signed in before accepting
    accept(officer, version)
    with CaptureQueriesContext(connection) as queries:
        assert gated.get("/devices/my-kit/").status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    assert UP_TO_DATE not in gated.session
    session = gated.session
    session[LAST_SEEN_AT] -= 120  # the minute's "last seen" touch is due: the session is written anyway
    session.save()
    read, response = _acknowledgements_read(gated)
    assert response.status_code == 200 and read == 1
    assert gated.session[UP_TO_DATE] == f"{officer.pk}:{version.pk}"
    read, response = _acknowledgements_read(gated)
    assert response.status_code == 200 and read == 0


def test_someone_not_up_to_date_is_never_noted(client, officer, version, settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 30
    officer.date_joined = version.starts_at  # their grace period runs from the version
    officer.save(update_fields=["date_joined"])
    client.force_login(officer)
    for _ in range(2):
        read, response = _acknowledgements_read(client)
        assert response.status_code == 200 and read == 1  # in their grace period: asked every time
    assert UP_TO_DATE not in client.session


def test_a_new_version_that_needs_accepting_gates_a_noted_session(gated, officer, version, portal_admin):
    accept(officer, version)
    gated.force_login(officer)
    assert gated.get("/").status_code == 200 and UP_TO_DATE in gated.session
    v2 = published_version(policy=version.policy, number=2, requires_acceptance=True, by=portal_admin)
    assert is_sent_to_accept(gated.get("/"), v2)


def test_a_new_version_without_the_flag_keeps_the_note(gated, officer, version, portal_admin):
    accept(officer, version)
    gated.force_login(officer)
    assert gated.get("/").status_code == 200
    published_version(policy=version.policy, number=2, requires_acceptance=False, by=portal_admin)
    read, response = _acknowledgements_read(gated)
    assert response.status_code == 200 and read == 0  # version 1 is still the one required


def test_a_role_that_brings_another_policy_gates_a_noted_session(gated, officer, version, portal_admin):
    accept(officer, version)
    gated.force_login(officer)
    assert gated.get("/").status_code == 200 and UP_TO_DATE in gated.session
    for_tech_bar = PolicyFactory(audience=Policy.Audience.ROLES)
    for_tech_bar.roles.add(Group.objects.get(name=Role.TECH_BAR))
    tech_bar_terms = published_version(policy=for_tech_bar, by=portal_admin)
    assert gated.get("/").status_code == 200  # not theirs yet
    officer.groups.add(Group.objects.get(name=Role.TECH_BAR))
    assert is_sent_to_accept(gated.get("/"), tech_bar_terms)


def test_the_note_is_the_persons_own(client, officer, version):
    """Signing in as someone else starts a new session: another's note never lets them through."""
    accept(officer, version)
    client.force_login(officer)
    assert client.get("/").status_code == 200 and UP_TO_DATE in client.session
    other = type(officer).objects.create_user(payroll_number="P900001", password="x", first_name="O", last_name="T")
    client.force_login(other)
    assert is_sent_to_accept(client.get("/"), version)
