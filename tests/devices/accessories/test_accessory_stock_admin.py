"""Accessory stock in the Tech Bar admin: deliveries and transfers by Tech Bar staff, stocktakes
that count accessories (expected against counted) and set the shelves at close, and nothing of it
for officers."""

import pytest
from django.urls import reverse

from devices.accessories.selectors import accessory_stock_at
from devices.models import AccessoryCount, AccessoryMovement, AccessoryStock
from devices.stock.services import stocktake_close, stocktake_start

pytestmark = pytest.mark.django_db


def test_a_stocktake_counts_accessories_and_closing_sets_the_shelves(counter_client, bar, tech_bar_staff, charger):
    taken = stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])
    page = counter_client.get(url).content.decode()
    assert "USB-C charger counted" in page and "ACC-CHARGER" in page

    response = counter_client.post(url, {"action": "count_accessories", f"count-{charger.pk}": "8"})
    assert response.status_code == 302
    count = AccessoryCount.objects.get(stocktake=taken, kind=charger)
    assert (count.expected, count.counted, count.counted_by) == (10, 8, tech_bar_staff)
    assert "-2" in counter_client.get(url).content.decode()

    stocktake_close(stocktake=taken, actor=tech_bar_staff)
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 8
    movement = AccessoryMovement.objects.get(kind="stocktake")
    assert (movement.stock_change, movement.quantity, movement.stocktake) == (-2, 2, taken)


def test_a_count_typed_wrong_is_refused_on_the_page(counter_client, bar, tech_bar_staff, charger):
    taken = stocktake_start(tech_bar=bar, actor=tech_bar_staff)
    url = reverse("admin:devices_stocktake_count", args=[taken.pk])
    response = counter_client.post(url, {"action": "count_accessories", f"count-{charger.pk}": "-3"})
    assert response.status_code == 400
    assert "Type each count as a whole number, 0 or more." in response.content.decode()
    assert not AccessoryCount.objects.exists()


def test_delivery_and_transfer_pages(counter_client, tech_bar_staff, bar, other_bar, charger):
    bar.staff.add(tech_bar_staff)
    response = counter_client.post(
        reverse("admin:devices_accessory_delivery"), {"kind": charger.pk, "tech_bar": bar.pk, "quantity": "5"}
    )
    assert response.status_code == 302 and accessory_stock_at(tech_bar=bar, kind=charger) == 15
    url = reverse("admin:devices_accessory_transfer")
    data = {"kind": charger.pk, "from_tech_bar": bar.pk, "to_tech_bar": other_bar.pk, "quantity": "16"}
    response = counter_client.post(url, data)
    assert response.status_code == 400 and "has 15 USB-C charger in stock, not 16" in response.content.decode()
    response = counter_client.post(url, {**data, "quantity": "6"})
    assert response.status_code == 302
    assert (accessory_stock_at(tech_bar=bar, kind=charger), accessory_stock_at(tech_bar=other_bar, kind=charger)) == (
        9,
        6,
    )
    listing = counter_client.get(reverse("admin:devices_accessorystock_changelist"))
    assert listing.status_code == 200 and "USB-C charger" in listing.content.decode()


def test_officers_see_none_of_it(client, officer, charger):
    client.force_login(officer)
    for url in (
        reverse("admin:devices_accessory_delivery"),
        reverse("admin:devices_accessorystock_changelist"),
        reverse("admin:devices_accessorymovement_changelist"),
    ):
        assert client.get(url).status_code in (302, 403), url


def test_tech_bar_staff_keep_levels_but_never_type_a_quantity(counter_client, tech_bar_staff, bar, charger):
    bar.staff.add(tech_bar_staff)
    stock = charger.stock.get(tech_bar=bar)
    url = reverse("admin:devices_accessorystock_change", args=[stock.pk])
    page = counter_client.get(url).content.decode()
    assert 'name="minimum"' in page and 'name="quantity"' not in page
    assert counter_client.get(reverse("admin:devices_accessorykind_add")).status_code == 403
    assert counter_client.get(reverse("admin:devices_accessorymovement_changelist")).status_code == 200


def test_staff_move_only_their_own_tech_bars_stock(counter_client, tech_bar_staff, bar, other_bar, charger):
    other_bar.staff.add(tech_bar_staff)  # they work at North Hub, not at Headquarters
    response = counter_client.post(
        reverse("admin:devices_accessory_delivery"), {"kind": charger.pk, "tech_bar": bar.pk, "quantity": "5"}
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    data = {"kind": charger.pk, "from_tech_bar": bar.pk, "to_tech_bar": other_bar.pk, "quantity": "1"}
    response = counter_client.post(reverse("admin:devices_accessory_transfer"), data)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 10
    stock = AccessoryStock.objects.get(tech_bar=bar, kind=charger)
    url = reverse("admin:devices_accessorystock_change", args=[stock.pk])
    response = counter_client.post(url, {"minimum": "3"})
    assert response.status_code == 403


def test_portal_admins_move_any_stock(client, portal_admin, bar, charger):
    client.force_login(portal_admin)
    response = client.post(
        reverse("admin:devices_accessory_delivery"), {"kind": charger.pk, "tech_bar": bar.pk, "quantity": "5"}
    )
    assert response.status_code == 302 and accessory_stock_at(tech_bar=bar, kind=charger) == 15
