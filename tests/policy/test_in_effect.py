"""The versions in effect are kept per process for a few seconds (policy.selectors.in_effect): the
gate asks on every page. Publishing or changing a policy forgets them at once in this process."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policy import selectors
from policy.selectors import in_effect
from portal.models import Role
from tests.factories import UserFactory
from tests.policy.factories import PolicyFactory, published_version

pytestmark = pytest.mark.django_db


def _version_queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return sum('FROM "policy_policyversion"' in q["sql"] for q in queries.captured_queries)


def test_the_gate_reads_the_versions_once_while_they_are_kept(officer, version):
    assert _version_queries(lambda: selectors.policy_version_due(user=officer)) == 1
    assert _version_queries(lambda: selectors.policy_version_due(user=officer)) == 0


def test_not_kept_when_the_setting_is_zero(officer, version, settings):
    settings.POLICY_VERSIONS_KEEP_SECONDS = 0
    selectors.policy_version_due(user=officer)
    assert _version_queries(lambda: selectors.policy_version_due(user=officer)) == 1


def test_kept_versions_expire_after_the_setting(officer, version, monkeypatch, settings):
    settings.POLICY_VERSIONS_KEEP_SECONDS = 5  # the default
    selectors.policy_version_due(user=officer)
    later = in_effect.time.monotonic() + 60
    monkeypatch.setattr(in_effect.time, "monotonic", lambda: later)
    assert _version_queries(lambda: selectors.policy_version_due(user=officer)) == 1


def test_a_version_published_is_seen_at_once(officer, version, portal_admin):
    assert selectors.policy_state_for(user=officer, policy=version.policy).current == version
    newer = published_version(policy=version.policy, number=2, by=portal_admin)
    assert selectors.policy_state_for(user=officer, policy=version.policy).current == newer


def test_a_policy_narrowed_to_a_role_is_seen_at_once(officer, version, supervisor):
    """Changing who a policy covers (audience, roles) forgets the kept versions too."""
    assert selectors.policies_to_accept(user=officer)
    policy = version.policy
    policy.audience = policy.Audience.ROLES
    policy.save()
    policy.roles.set([supervisor.groups.get(name=Role.SUPERVISOR)])
    assert selectors.policies_to_accept(user=officer) == []
    assert [s.policy for s in selectors.policies_to_accept(user=supervisor)] == [policy]


def test_a_role_policy_covers_who_holds_the_role_as_the_query_does(portal_admin):
    policy = PolicyFactory(audience="roles")
    published_version(policy=policy, by=portal_admin)
    tech_bar = UserFactory(roles=[Role.TECH_BAR])
    policy.roles.set([tech_bar.groups.get()])
    officer = UserFactory(roles=[Role.OFFICER])
    for person in (tech_bar, officer):
        kept = {s.policy for s in selectors.policy_states_for(user=person)}
        queried = {p for p in selectors.policies_applying_to(user=person) if p.versions.exists()}
        assert kept == queried
    assert selectors.policy_applies_to(user=tech_bar, policy=policy)
    assert not selectors.policy_applies_to(user=officer, policy=policy)
