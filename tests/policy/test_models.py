"""Published versions and acknowledgements are records: the models refuse to change or delete them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from policy.models import Acknowledgement, PolicyVersion
from tests.policy.factories import PolicyVersionFactory, accept, published_version

pytestmark = pytest.mark.django_db


def test_a_draft_can_be_edited_and_deleted():
    draft = PolicyVersionFactory()
    draft.title = "Corrected title"
    draft.save()
    assert PolicyVersion.objects.get(pk=draft.pk).title == "Corrected title"
    draft.delete()
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()


def test_a_published_version_refuses_any_change_to_its_text():
    version = published_version()
    version.body = "Something else entirely."
    with pytest.raises(ValidationError, match="never changed"):
        version.save()
    stored = PolicyVersion.objects.get(pk=version.pk)
    assert stored.body != "Something else entirely."


def test_a_published_version_refuses_even_an_unpublishing_save():
    """Clearing published_at on the object must not reopen the stored, published row."""
    version = published_version()
    version.published_at = None
    version.title = "Sneaky"
    with pytest.raises(ValidationError):
        version.save()
    assert PolicyVersion.objects.get(pk=version.pk).title != "Sneaky"


def test_a_published_version_refuses_deletion():
    version = published_version()
    with pytest.raises(ValidationError, match="never deleted"):
        version.delete()
    assert PolicyVersion.objects.filter(pk=version.pk).exists()


def test_bulk_updates_and_deletes_cannot_get_round_immutability():
    version = published_version()
    draft = PolicyVersionFactory(policy=version.policy, number=2)
    with pytest.raises(ValidationError):
        PolicyVersion.objects.filter(policy=version.policy).update(title="Rewritten")
    with pytest.raises(ValidationError):
        PolicyVersion.objects.filter(policy=version.policy).delete()
    assert PolicyVersion.objects.get(pk=version.pk).title == version.title
    # Drafts alone may still be changed in bulk.
    assert PolicyVersion.objects.filter(pk=draft.pk).update(title="Draft title") == 1


def test_the_database_refuses_a_half_published_version():
    draft = PolicyVersionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypass save() on purpose: the check constraint is the last line of defence.
        PolicyVersion.objects.filter(pk=draft.pk).update(published_at=timezone.now())


def test_version_numbers_are_unique_per_policy():
    version = published_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersionFactory(policy=version.policy, number=version.number)


def test_an_acknowledgement_refuses_update_and_delete(officer):
    ack = accept(officer, published_version())
    ack.ip_address = "10.0.0.99"
    with pytest.raises(ValidationError, match="never changed"):
        ack.save()
    with pytest.raises(ValidationError, match="never deleted"):
        ack.delete()
    with pytest.raises(ValidationError):
        Acknowledgement.objects.filter(pk=ack.pk).update(content_hash="0" * 64)
    with pytest.raises(ValidationError):
        Acknowledgement.objects.filter(pk=ack.pk).delete()
    stored = Acknowledgement.objects.get(pk=ack.pk)
    assert stored.ip_address is None
    assert stored.content_hash == ack.version.content_hash


def test_the_database_allows_one_acknowledgement_per_person_and_version(officer):
    version = published_version()
    ack = accept(officer, version)
    with pytest.raises(IntegrityError), transaction.atomic():
        Acknowledgement.objects.create(user=officer, version=version, content_hash=ack.content_hash)
    assert Acknowledgement.objects.filter(user=officer, version=version).count() == 1


def test_starts_at_is_the_later_of_publication_and_effective_date():
    future = timezone.localdate() + datetime.timedelta(days=5)
    version = published_version(effective_date=future)
    assert timezone.localtime(version.starts_at).date() == future
    assert timezone.localtime(version.starts_at).hour == 0
    past = published_version(effective_date=timezone.localdate() - datetime.timedelta(days=30))
    assert past.starts_at == past.published_at


def test_grace_period_is_the_setting_unless_the_version_sets_its_own(settings):
    settings.POLICY_GRACE_PERIOD_DAYS = 5
    assert PolicyVersionFactory().grace_period.days == 5
    assert PolicyVersionFactory(grace_days=0).grace_period.days == 0
    assert PolicyVersionFactory(grace_days=14).grace_period.days == 14
