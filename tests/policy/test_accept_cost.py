"""The acceptance page, which everyone at the gate loads, costs the same few queries however many
versions the policy has had: the policy comes with its versions in one query, and a policy for
everyone needs no question about roles. Speed is measured in the bench; this pins the queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.policy.factories import accept, published_version
from tests.policy.pages import accept_url

pytestmark = pytest.mark.django_db

# Session, user, my acceptances, the header's roles and unread count: the policy with its versions
# is kept per process (policy.selectors.in_effect), read again only every few seconds.
ACCEPT_PAGE_QUERIES = 5


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_acceptance_page_at_the_gate_costs_a_few_queries(gated, version, django_assert_max_num_queries):
    gated.get(accept_url(version))  # the first request may warm per-process caches
    with django_assert_max_num_queries(ACCEPT_PAGE_QUERIES):
        assert gated.get(accept_url(version)).status_code == 200


def test_the_cost_does_not_grow_with_the_versions(gated, officer, version, portal_admin):
    accept(officer, version)
    gated.get(accept_url(version))  # the first request may warm per-process caches
    one = _queries(gated, accept_url(version))
    for number in range(2, 7):
        published_version(policy=version.policy, number=number, by=portal_admin)
    # Now with an older acceptance: the page shows what changed across five versions. The first
    # to see it reads the versions in effect again (publishing forgot them) and the two texts
    # compared (one query each); everyone after has both.
    assert _queries(gated, accept_url(version)) <= one + 2
    assert _queries(gated, accept_url(version)) <= one


def test_an_unknown_policy_is_not_found(gated):
    assert gated.get("/policy/no-such-policy/accept/").status_code == 404


# The acceptance itself (16 before, then 10 on PostgreSQL, 8 now): session, user and my acceptances
# (as the page; the policy's versions are kept, and the version shown is one of them, not read
# again), then the service: whether the version was current when shown, and the one write
# transaction: the chain's last hash (on PostgreSQL with the chain's advisory lock, in the same
# round trip) and the row (BEGIN/COMMIT, or a savepoint inside a test's transaction). An acceptance
# already recorded is found by the insert, not read first.
ACCEPT_POST_QUERIES = 8


def test_accepting_costs_a_few_queries(gated, officer, version, django_assert_max_num_queries):
    from policy.models import Acknowledgement
    from tests.policy.pages import token_from

    page = gated.get(accept_url(version))
    with django_assert_max_num_queries(ACCEPT_POST_QUERIES):
        response = gated.post(accept_url(version), {"shown": token_from(page), "confirm": "on"})
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=officer, version=version).count() == 1
