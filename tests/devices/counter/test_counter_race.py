"""Two counters confirming for the same person at the same moment, each with a different
smartphone: FAQ 7 holds, exactly one hands a phone over and the other is refused, every time."""

import threading

import pytest
from django.db import connection

from devices.core import services
from devices.counter import services as counter_services
from devices.models import Assignment, Device
from tests.factories import UserFactory

ROUNDS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_never_give_one_person_two_smartphones(make_device, bar, tech_bar_staff):
    refusals = []
    for round_number in range(ROUNDS):
        person = UserFactory()
        phones = [make_device(), make_device()]
        barrier = threading.Barrier(2)
        outcomes = []

        def counter(phone, person=person, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                counter_services.counter_visit_confirm(
                    person=person,
                    actor=tech_bar_staff,
                    tech_bar=bar,
                    basket=counter_services.CounterBasket(hand_over=[Device(pk=phone.pk)]),
                )
                outcomes.append("issued")
            except services.DeviceError as refusal:
                outcomes.append("refused")
                refusals.append(str(refusal))
            finally:
                connection.close()

        threads = [threading.Thread(target=counter, args=(phone,)) for phone in phones]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(outcomes) == ["issued", "refused"], f"round {round_number}: {outcomes}"
        assert Assignment.objects.filter(holder=person, returned_at__isnull=True).count() == 1
    assert Assignment.objects.count() == ROUNDS
    assert len(refusals) == ROUNDS
    assert all("still holds smartphone" in message and "Take it back first" in message for message in refusals)
