"""Accessory kinds for the accessory tests: a returnable charger and a consumable screen protector,
each with stock at the Headquarters Tech Bar."""

import pytest

from devices.models import AccessoryKind
from tests.factories import AccessoryKindFactory, accessory_stock


@pytest.fixture
def charger(bar):
    kind = AccessoryKindFactory(name="USB-C charger", code="ACC-CHARGER", category=AccessoryKind.Category.CHARGER)
    accessory_stock(kind=kind, tech_bar=bar, quantity=10)
    return kind


@pytest.fixture
def screen_protector(bar):
    kind = AccessoryKindFactory(
        name="Screen protector",
        code="ACC-SCREEN",
        category=AccessoryKind.Category.OTHER,
        usage=AccessoryKind.Usage.CONSUMABLE,
    )
    accessory_stock(kind=kind, tech_bar=bar, quantity=20)
    return kind
