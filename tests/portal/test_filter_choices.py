"""portal.tables.cached_choices: a filter's choices read from the database once a minute, not per page."""

import pytest

from portal.tables import cached_choices

pytestmark = pytest.mark.django_db


def test_choices_are_read_once_then_from_the_cache(settings):
    settings.FILTER_CHOICES_CACHE_SECONDS = 60
    reads = []
    choices = cached_choices("test-units", lambda: reads.append(1) or [("North", "North")])
    assert choices() == choices() == [("North", "North")]
    assert len(reads) == 1


def test_no_cache_seconds_reads_every_time(settings):
    settings.FILTER_CHOICES_CACHE_SECONDS = 0
    reads = []
    choices = cached_choices("test-units-uncached", lambda: reads.append(1) or [])
    choices(), choices()
    assert len(reads) == 2
