"""The demo seed: two published versions, a history that moves the chart, and gated demo logins."""

import pytest

from policy import selectors
from policy.demo import seed_policy_demo
from policy.models import Acknowledgement, Policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_leaves_demo_logins_to_accept_version_2(portal_admin, data_office):
    people = UserFactory.create_batch(40)
    seed_policy_demo(admin_user=portal_admin, people=people)
    acknowledgements = Acknowledgement.objects.count()
    seed_policy_demo(admin_user=portal_admin, people=people)
    assert Acknowledgement.objects.count() == acknowledgements

    policy = Policy.objects.get()
    v1, v2 = policy.versions.order_by("number")
    assert v1.is_published and v2.is_published and v2.requires_acceptance
    assert v1.content_hash != v2.content_hash
    assert "Public AI tools" in v2.body_html and "Public AI tools" not in v1.body_html
    assert "within 12 hours" in v2.body_html

    for demo_login in (portal_admin, *people[:3]):
        assert selectors.policy_version_due(user=demo_login) == v2
        assert Acknowledgement.objects.filter(user=demo_login, version=v1).exists()
    assert Acknowledgement.objects.filter(version=v2).count() > 5

    compliance = selectors.policy_compliance(viewer=data_office, policy=policy)
    points = selectors.compliance_over_time(compliance=compliance, people=compliance.people.count())
    assert points[0].up_to_date < points[-1].up_to_date  # the chart shows movement
    for ack in Acknowledgement.objects.select_related("version"):
        assert ack.version.starts_at <= ack.accepted_at
        assert ack.content_hash == ack.version.content_hash
        if ack.version == v1:
            assert ack.accepted_at < v2.starts_at  # accepted while version 1 was in force
