"""What a person holds of the returnable accessories: My kit lists it, and a leaver case has a line
for each kind held (never one for a consumable), ended when the counter has every one of the kind back."""

import pytest
from django.urls import reverse

from devices.accessories.selectors import accessory_held_quantity, accessory_stock_at
from devices.accessories.services import AccessoryLine, accessory_issue
from devices.counter.services import CounterBasket, counter_visit_confirm
from devices.leavers import services as leavers
from devices.models import AccessoryMovement, LeaverLine
from tests.factories import LeaverCaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver_with_accessories(bar, tech_bar_staff, charger, screen_protector):
    person = UserFactory(supervisor=UserFactory())
    accessory_issue(kind=charger, quantity=2, person=person, actor=tech_bar_staff, tech_bar=bar)
    accessory_issue(kind=screen_protector, quantity=3, person=person, actor=tech_bar_staff, tech_bar=bar)
    return LeaverCaseFactory(person=person)


def test_a_line_for_each_returnable_accessory_and_none_for_a_consumable(leaver_with_accessories, charger):
    lines = LeaverLine.objects.filter(case=leaver_with_accessories, accessory_kind__isnull=False)
    assert [(line.accessory_kind, line.accessory_quantity, line.description) for line in lines] == [
        (charger, 2, "2 x USB-C charger (ACC-CHARGER)")
    ]
    assert not LeaverLine.objects.filter(description__contains="Screen protector").exists()


def test_the_line_ends_once_every_one_is_back_at_the_counter(leaver_with_accessories, bar, tech_bar_staff, charger):
    case = leaver_with_accessories
    line = case.lines.get(accessory_kind=charger)

    def take_back(quantity):
        counter_visit_confirm(
            person=case.person,
            actor=tech_bar_staff,
            tech_bar=bar,
            basket=CounterBasket(accessories=[AccessoryLine(charger, quantity, AccessoryLine.TAKE)]),
        )
        line.refresh_from_db()

    take_back(1)
    assert line.is_outstanding
    take_back(1)
    assert line.outcome == LeaverLine.Outcome.RETURNED and line.received_at_tech_bar == bar


def test_an_accessory_line_is_not_ticked_off_without_the_stock(leaver_with_accessories, tech_bar_staff, bar, charger):
    line = leaver_with_accessories.lines.get(accessory_kind=charger)
    with pytest.raises(leavers.LeaverError, match="accessories end when the counter takes them back"):
        leavers.leaver_line_property_receive(line=line, actor=tech_bar_staff, tech_bar=bar)


def test_my_kit_shows_the_accessories_held(client, officer, bar, tech_bar_staff, charger, screen_protector):
    accessory_issue(kind=charger, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    accessory_issue(kind=screen_protector, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)
    client.force_login(officer)
    page = client.get(reverse("devices:my_kit")).content.decode()
    assert "Accessories I hold" in page and "USB-C charger" in page
    assert "Screen protector" not in page  # a consumable is theirs, not held


def test_an_accessory_line_lost_or_written_off_ends_the_holding_not_the_stock(
    leaver_with_accessories, tech_bar_staff, bar, charger
):
    case = leaver_with_accessories
    line = case.lines.get(accessory_kind=charger)
    leavers.leaver_line_lost(line=line, actor=tech_bar_staff, details="Left in a patrol car")
    assert accessory_held_quantity(person=case.person, kind=charger) == 0
    movement = AccessoryMovement.objects.get(kind="written_off")
    assert (movement.quantity, movement.stock_change, movement.note) == (2, 0, "Lost: Left in a patrol car")
    assert accessory_stock_at(tech_bar=bar, kind=charger) == 8
