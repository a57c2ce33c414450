"""Factories for policies: drafts, published versions (through the publish service) and acceptances."""

import datetime

import factory
from django.utils import timezone

from policy import services
from policy.forms import shown_version_token  # noqa: F401 - re-exported for the view tests
from policy.models import Acknowledgement, Policy, PolicyVersion
from portal.models import Role
from tests.factories import UserFactory

POLICY_TEXT = """## Who these conditions cover

Everyone given access to force systems, data or devices: officers, staff, volunteers and contractors.

## Your device

A device issued to you stays force property. Keep it with you, locked and charged, and report it at
once if it is lost or stolen.

## Personal use

Occasional, brief personal use is allowed when it does not get in the way of your duties.
"""


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy
        django_get_or_create = ("slug",)

    name = "ICT Conditions of Use"
    slug = factory.Sequence(lambda n: f"ict-conditions-{n}")


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """A draft. Publish it with `publish()` below, as a Portal admin would."""

    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda v: f"{v.policy.name}")
    body = POLICY_TEXT
    summary_of_changes = ""
    effective_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    requires_acceptance = True


def publish(version: PolicyVersion, *, by=None) -> PolicyVersion:
    """Publish through the service (so the text, hash and publisher are real)."""
    by = by or UserFactory(roles=[Role.PORTAL_ADMIN], is_staff=True)
    return services.policy_version_publish(actor=by, version=version)


def published_version(*, policy=None, number=1, by=None, **kwargs) -> PolicyVersion:
    policy = policy or PolicyFactory()
    return publish(PolicyVersionFactory(policy=policy, number=number, **kwargs), by=by)


def accept(user, version: PolicyVersion, *, at=None) -> Acknowledgement:
    """Record an acceptance as the acceptance page does, shown and accepted at `at` (default now)."""
    at = at or timezone.now()
    return services.policy_accept(actor=user, version=version, shown_at=at, content_hash=version.content_hash)
