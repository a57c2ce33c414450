"""Accessories at the counter: issued and taken back in quantities in the same visit, the same
transaction and the same receipt as devices; scanned by their shelf code or chosen; refused, with
the reason on the page, when the shelves or the person hold too few."""

import re

import pytest
from django.urls import reverse

from devices.accessories.selectors import accessory_held_quantity, accessory_stock_at
from devices.accessories.services import AccessoryError, AccessoryLine, accessory_issue
from devices.core.services import DeviceError, HolderNotEligible
from devices.counter.services import CounterBasket, TakeBack, counter_visit_confirm
from devices.models import AccessoryMovement, Assignment, CounterVisit
from portal.models import OutboundEmail
from tests.factories import AccessoryKindFactory, LeaverCaseFactory, UserFactory
from tests.policy.factories import published_version

pytestmark = pytest.mark.django_db


def person_url(person):
    return reverse("admin:devices_counter_person", kwargs={"payroll": person.payroll_number})


def test_devices_and_accessories_in_one_visit_one_transaction_one_receipt(
    make_device, issued, bar, officer, tech_bar_staff, charger, screen_protector
):
    old = issued(make_device(), officer)
    accessory_issue(kind=charger, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    new = make_device()
    receipts_before = OutboundEmail.objects.filter(to=officer.email).count()

    visit = counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=CounterBasket(
            take_back=[TakeBack(old, "faulty", "Will not charge")],
            hand_over=[new],
            accessories=[
                AccessoryLine(charger, 1, AccessoryLine.TAKE),
                AccessoryLine(screen_protector, 3, AccessoryLine.GIVE),
            ],
        ),
    )

    assert {(m.kind, m.accessory, m.quantity) for m in visit.accessory_movements.all()} == {
        ("returned", charger, 1),
        ("issued", screen_protector, 3),
    }
    assert accessory_held_quantity(person=officer, kind=charger) == 1
    assert accessory_stock_at(tech_bar=bar, kind=screen_protector) == 17
    emails = OutboundEmail.objects.filter(to=officer.email)
    assert emails.count() == receipts_before + 1  # one receipt for the whole visit
    body = emails.latest("pk").body
    assert visit.reference in body and new.asset_tag in body and old.asset_tag in body
    handed = body.split("Accessories handed over:")[1].split("Accessories taken back:")[0]
    taken, held = body.split("Accessories taken back:")[1].split("Accessories you hold now:")
    assert "ACC-SCREEN 3 x Screen protector" in handed
    assert "ACC-CHARGER 1 x USB-C charger" in taken
    assert "1 x USB-C charger" in held and "Screen protector" not in held


def test_an_accessory_refused_rolls_the_whole_visit_back(make_device, bar, officer, tech_bar_staff, charger):
    phone = make_device()
    with pytest.raises(AccessoryError, match="has 10 USB-C charger in stock, not 11"):
        counter_visit_confirm(
            person=officer,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=CounterBasket(hand_over=[phone], accessories=[AccessoryLine(charger, 11)]),
        )
    assert not CounterVisit.objects.exists() and not Assignment.objects.exists()
    assert not AccessoryMovement.objects.exists() and accessory_stock_at(tech_bar=bar, kind=charger) == 10
    assert not OutboundEmail.objects.filter(to=officer.email).exists()


def test_a_visit_of_accessories_alone_is_a_visit(bar, officer, tech_bar_staff, charger):
    visit = counter_visit_confirm(
        person=officer,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=CounterBasket(accessories=[AccessoryLine(charger, 1)]),
    )
    assert visit.accessory_movements.get().quantity == 1


def test_nothing_is_handed_to_a_leaver_not_even_a_charger(bar, tech_bar_staff, charger):
    leaver = LeaverCaseFactory(person=UserFactory(supervisor=UserFactory())).person
    with pytest.raises(DeviceError, match="open leaver case"):
        counter_visit_confirm(
            person=leaver,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=CounterBasket(accessories=[AccessoryLine(charger, 1)]),
        )


def test_no_accessory_is_handed_over_before_the_conditions_of_use_are_accepted(bar, tech_bar_staff, charger):
    published_version()
    person = UserFactory()
    with pytest.raises(HolderNotEligible, match="not accepted the current ICT Conditions of Use"):
        counter_visit_confirm(
            person=person,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=CounterBasket(accessories=[AccessoryLine(charger, 1)]),
        )
    # Taking one back needs no acceptance, as for a device.
    accessory_issue(kind=charger, quantity=1, person=person, actor=tech_bar_staff, tech_bar=bar)
    counter_visit_confirm(
        person=person,
        actor=tech_bar_staff,
        tech_bar=bar,
        basket=CounterBasket(accessories=[AccessoryLine(charger, 1, AccessoryLine.TAKE)]),
    )
    assert accessory_held_quantity(person=person, kind=charger) == 0


def test_scan_a_shelf_code_then_set_the_quantity_and_confirm(counter_client, officer, bar, charger):
    url = person_url(officer)
    page = counter_client.post(url, {"code": "acc-charger", "action": "scan"})
    assert page.status_code == 200
    assert "Handing over USB-C charger." in page.content.decode()
    assert re.findall(r'name="acc" value="([^"]*)"', page.content.decode()) == ["give:ACC-CHARGER"]

    # The person wants two: the quantity typed, then confirmed.
    response = counter_client.post(
        url, {"acc": "give:ACC-CHARGER", "qty-give:ACC-CHARGER": "2", "confirmed": "yes", "action": "confirm"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    visit = CounterVisit.objects.get(person=officer)
    assert visit.accessory_movements.get().quantity == 2
    receipt = counter_client.get(response.url).content.decode()
    assert "USB-C charger" in receipt and "ACC-CHARGER" in receipt


def test_choose_an_accessory_to_take_back(counter_client, officer, bar, tech_bar_staff, charger):
    accessory_issue(kind=charger, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)
    url = person_url(officer)
    page = counter_client.post(
        url, {"acc_kind": "ACC-CHARGER", "acc_direction": "take", "acc_qty": "1", "action": "add_accessory"}
    )
    assert re.findall(r'name="acc" value="([^"]*)"', page.content.decode()) == ["take:ACC-CHARGER"]
    response = counter_client.post(
        url, {"acc": "take:ACC-CHARGER", "qty-take:ACC-CHARGER": "1", "confirmed": "yes", "action": "confirm"}
    )
    assert response.status_code == 302
    assert accessory_held_quantity(person=officer, kind=charger) == 0
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 10


def test_too_many_is_said_on_the_page_and_nothing_typed_is_lost(counter_client, officer, charger, make_device):
    phone = make_device()
    url = person_url(officer)
    response = counter_client.post(
        url,
        {"give": phone.asset_tag, "acc_kind": "ACC-CHARGER", "acc_qty": "99", "action": "add_accessory"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a quantity from 1 to 50 for USB-C charger." in page
    assert f'name="give" value="{phone.asset_tag}"' in page
    response = counter_client.post(
        url, {"acc_kind": "ACC-CHARGER", "acc_direction": "take", "acc_qty": "1", "action": "add_accessory"}
    )
    assert response.status_code == 400
    assert f"{officer.get_full_name()} holds 0 USB-C charger, not 1." in response.content.decode()
    # Garbage quantities are refused in words, never a 500.
    response = counter_client.post(url, {"acc": "give:ACC-CHARGER", "qty-give:ACC-CHARGER": "lots\x00"})
    assert response.status_code == 400


def test_a_posted_line_the_shelves_no_longer_hold_stops_the_confirm(counter_client, officer, charger, bar):
    response = counter_client.post(
        person_url(officer),
        {"acc": "give:ACC-CHARGER", "qty-give:ACC-CHARGER": "11", "confirmed": "yes", "action": "confirm"},
    )
    assert response.status_code == 400
    assert "has 10 USB-C charger in stock, not 11" in response.content.decode()
    assert not CounterVisit.objects.exists()


@pytest.mark.parametrize("headers", [{}, {"X-Counter-Fragment": "1"}], ids=["page", "fragment"])
def test_a_refused_accessory_scan_is_400_and_a_code_nothing_has_404(counter_client, officer, headers):
    AccessoryKindFactory(name="Mouse", code="ACC-MOUSE")  # none on the shelves here
    url = person_url(officer)
    response = counter_client.post(url, {"code": "acc-mouse", "action": "scan"}, headers=headers)
    assert response.status_code == 400
    assert "Mouse" in response.content.decode()
    response = counter_client.post(url, {"code": "ACC-NOTHING", "action": "scan"}, headers=headers)
    assert response.status_code == 404
