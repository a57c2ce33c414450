"""Two counters at once on PostgreSQL: the last chargers on a shelf go to one person, and one
charger handed back is taken back once. Quantities never go below zero, every round."""

import threading

import pytest
from django.db import connection

from devices.accessories.selectors import accessory_held_quantity, accessory_stock_at
from devices.accessories.services import AccessoryLine, accessory_issue
from devices.core.services import DeviceError
from devices.counter import services as counter_services
from devices.models import AccessoryMovement, AccessoryStock
from tests.factories import UserFactory, accessory_stock

ROUNDS = 15


def race(*calls):
    """Run the calls at the same moment on two connections: ["done" | "refused", ...] in call order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "done"
        except DeviceError:
            outcomes[index] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def confirm(person, staff, bar, line):
    return lambda: counter_services.counter_visit_confirm(
        person=person, actor=staff, tech_bar=bar, basket=counter_services.CounterBasket(accessories=[line])
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_never_hand_over_more_than_the_shelf_holds(bar, tech_bar_staff, charger):
    for round_number in range(ROUNDS):
        accessory_stock(kind=charger, tech_bar=bar, quantity=3)
        people = [UserFactory(), UserFactory()]
        outcomes = race(*(confirm(p, tech_bar_staff, bar, AccessoryLine(charger, 2)) for p in people))
        assert sorted(outcomes) == ["done", "refused"], f"round {round_number}: {outcomes}"
        assert accessory_stock_at(tech_bar=bar, kind=charger) == 1
        assert sum(accessory_held_quantity(person=p, kind=charger) for p in people) == 2
    assert not AccessoryStock.objects.filter(quantity__lt=0).exists()
    assert AccessoryMovement.objects.filter(kind="issued").count() == ROUNDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_charger_handed_back_at_two_counters_is_taken_back_once(bar, other_bar, tech_bar_staff, charger):
    for round_number in range(ROUNDS):
        person = UserFactory()
        accessory_stock(kind=charger, tech_bar=bar, quantity=1)
        accessory_issue(kind=charger, quantity=1, person=person, actor=tech_bar_staff, tech_bar=bar)
        take = AccessoryLine(charger, 1, AccessoryLine.TAKE)
        outcomes = race(confirm(person, tech_bar_staff, bar, take), confirm(person, tech_bar_staff, other_bar, take))
        assert sorted(outcomes) == ["done", "refused"], f"round {round_number}: {outcomes}"
        assert accessory_held_quantity(person=person, kind=charger) == 0
    assert AccessoryMovement.objects.filter(kind="returned").count() == ROUNDS
