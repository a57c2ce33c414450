"""Accessory stock and holdings move only through the services, never below zero, each movement
kept as history; the low-stock alert fires once per crossing, as for devices."""

import pytest
from django.db import IntegrityError, transaction

from devices.accessories import services
from devices.accessories.selectors import accessories_held_by, accessory_held_quantity, accessory_stock_at
from devices.models import AccessoryMovement, AccessoryStock
from portal.models import Notification
from tests.factories import accessory_stock

pytestmark = pytest.mark.django_db


def test_issue_and_return_move_stock_and_holding_and_write_the_history(charger, bar, officer, tech_bar_staff):
    services.accessory_issue(kind=charger, quantity=3, person=officer, actor=tech_bar_staff, tech_bar=bar)
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 7
    assert accessory_held_quantity(person=officer, kind=charger) == 3

    services.accessory_return(kind=charger, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 9
    assert [(h.kind, h.quantity) for h in accessories_held_by(person=officer)] == [(charger, 1)]
    moves = list(AccessoryMovement.objects.order_by("pk").values_list("kind", "quantity", "stock_change", "person"))
    assert moves == [("issued", 3, -3, officer.pk), ("returned", 2, 2, officer.pk)]


def test_a_consumable_is_issued_but_never_held_nor_handed_back(screen_protector, bar, officer, tech_bar_staff):
    services.accessory_issue(kind=screen_protector, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    assert accessory_stock_at(tech_bar=bar, kind=screen_protector) == 18
    assert not accessories_held_by(person=officer).exists()
    with pytest.raises(services.AccessoryError, match="consumable"):
        services.accessory_return(kind=screen_protector, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)


def test_more_than_the_shelves_hold_or_the_person_holds_is_refused(charger, bar, officer, tech_bar_staff):
    with pytest.raises(services.AccessoryError, match="has 10 USB-C charger in stock, not 11"):
        services.accessory_issue(kind=charger, quantity=11, person=officer, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(services.AccessoryError, match="holds 0 USB-C charger, not 1"):
        services.accessory_return(kind=charger, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(services.AccessoryError, match="at least 1"):
        services.accessory_issue(kind=charger, quantity=0, person=officer, actor=tech_bar_staff, tech_bar=bar)
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 10
    assert not AccessoryMovement.objects.exists()


def test_the_database_refuses_negative_stock_whatever_the_caller(charger, bar):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessoryStock.objects.filter(tech_bar=bar, kind=charger).update(quantity=-1)


def test_movements_are_never_changed_or_deleted(charger, bar, officer, tech_bar_staff):
    movement = services.accessory_issue(kind=charger, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)
    with pytest.raises(ValueError):
        movement.save()
    with pytest.raises(ValueError):
        movement.delete()


def test_low_stock_alert_once_per_crossing(charger, bar, officer, tech_bar_staff):
    accessory_stock(kind=charger, tech_bar=bar, quantity=4, minimum=3)
    give = {"kind": charger, "person": officer, "actor": tech_bar_staff, "tech_bar": bar}
    services.accessory_issue(quantity=1, **give)  # 3 left: not below
    assert not Notification.objects.filter(subject__startswith="Low stock").exists()
    services.accessory_issue(quantity=1, **give)  # 2 left: told
    services.accessory_issue(quantity=1, **give)  # 1 left: already told
    alerts = Notification.objects.filter(recipient=tech_bar_staff, subject__startswith="Low stock")
    assert [n.subject for n in alerts] == [f"Low stock at {bar}: 2 USB-C charger left"]
    services.accessory_return(quantity=3, **give)  # back to 4: re-armed
    assert AccessoryStock.objects.get(tech_bar=bar, kind=charger).alerted_at is None
    services.accessory_issue(quantity=2, **give)
    assert alerts.all().count() == 2  # a new crossing, a new alert


def test_a_transfer_moves_a_quantity_between_tech_bars(charger, bar, other_bar, tech_bar_staff):
    sent, received = services.accessory_transfer(
        kind=charger, quantity=4, from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff, note="For the hub"
    )
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 6
    assert accessory_stock_at(tech_bar=other_bar, kind=charger) == 4
    assert (sent.stock_change, received.stock_change) == (-4, 4)
    assert sent.created_at == received.created_at and received.other_tech_bar == bar
    with pytest.raises(services.AccessoryError, match="has 6 USB-C charger in stock, not 7"):
        services.accessory_transfer(
            kind=charger, quantity=7, from_tech_bar=bar, to_tech_bar=other_bar, actor=tech_bar_staff
        )
    with pytest.raises(services.AccessoryError, match="another Tech Bar"):
        services.accessory_transfer(kind=charger, quantity=1, from_tech_bar=bar, to_tech_bar=bar, actor=tech_bar_staff)


def test_a_delivery_adds_stock(charger, other_bar, tech_bar_staff):
    services.accessory_deliver(kind=charger, quantity=5, tech_bar=other_bar, actor=tech_bar_staff)
    assert accessory_stock_at(tech_bar=other_bar, kind=charger) == 5
