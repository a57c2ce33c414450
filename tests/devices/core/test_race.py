"""Two counters issuing the same phone at the same moment: exactly one succeeds, every time."""

import threading

import pytest
from django.db import connection

from devices.core import services
from devices.counter import services as counter_services
from devices.models import Assignment, Device
from tests.factories import UserFactory

ROUNDS = 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_never_issue_one_phone_twice(make_device, bar, tech_bar_staff):
    refusals = []
    for round_number in range(ROUNDS):
        phone = make_device()
        holders = [UserFactory(), UserFactory()]
        barrier = threading.Barrier(2)
        outcomes = []

        def counter(holder, phone=phone, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                counter_services.counter_visit_confirm(
                    person=holder,
                    actor=tech_bar_staff,
                    tech_bar=bar,
                    basket=counter_services.CounterBasket(hand_over=[Device(pk=phone.pk)]),
                )
                outcomes.append("issued")
            except services.DeviceNotAvailable as refusal:
                outcomes.append("refused")
                refusals.append(str(refusal))
            finally:
                connection.close()

        threads = [threading.Thread(target=counter, args=(h,)) for h in holders]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(outcomes) == ["issued", "refused"], f"round {round_number}: {outcomes}"
        assert Assignment.objects.filter(device=phone, returned_at__isnull=True).count() == 1
    assert Assignment.objects.count() == ROUNDS
    assert all(message.endswith("is issued, not in stock.") for message in refusals)
