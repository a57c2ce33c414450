"""The "time left" countdown (portal.templatetags.govuk.time_left), worked out directly under four
weeks: word for word what django.utils.timesince says, either side of the deadline."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.timesince import timeuntil

from portal.templatetags.govuk import time_left

NOW = datetime(2026, 2, 10, 9, 30, 15, 123456, tzinfo=UTC)

SECONDS = [0, 1, 59, 60, 61, 3599, 3600, 3660, 7199, 86399, 86400, 86460, 90000, 7 * 86400, 7 * 86400 + 60]
SECONDS += [8 * 86400 + 3600, 14 * 86400, 27 * 86400 + 86399, 28 * 86400, 29 * 86400, 45 * 86400, 400 * 86400]
SECONDS += random.Random(7).sample(range(40 * 86400), 300)


@pytest.mark.parametrize("sign", [1, -1])
def test_time_left_says_what_timeuntil_says(monkeypatch, sign):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    for seconds in SECONDS:
        for extra in (timedelta(0), timedelta(microseconds=654321)):
            deadline = NOW + sign * (timedelta(seconds=seconds) + extra)
            if deadline >= NOW:
                expected = f"{timeuntil(deadline, NOW, depth=2)} left"
            else:
                expected = f"{timeuntil(NOW, deadline, depth=2)} overdue"
            assert time_left(deadline) == expected, (sign, seconds, extra)


def test_no_deadline_no_countdown():
    assert time_left(None) == ""
