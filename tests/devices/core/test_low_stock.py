"""The low-stock rule devices and accessories share: one alert per crossing below the level, re-armed
at or above it, never on stock going up."""

import pytest

from devices.core.low_stock import low_stock_alert
from devices.models import StockLevel
from portal.models import Notification

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def level(bar, phone_model):
    return StockLevel.objects.create(tech_bar=bar, device_model=phone_model, minimum=3)


@pytest.fixture
def check(level, bar, phone_model, tech_bar_staff):
    def check(in_stock: int, *, fell: bool = True) -> bool:
        return low_stock_alert(
            level=level,
            in_stock=in_stock,
            fell=fell,
            tech_bar=bar,
            what=phone_model,
            url="/stock/",
            staff=[tech_bar_staff],
        )

    return check


def test_one_alert_per_crossing_and_rearmed_at_the_level(check, level, bar, tech_bar_staff):
    assert check(3) is False  # at the level: not below
    assert check(2) is True
    assert check(1) is False  # still below: already told
    assert [(n.recipient, n.subject, n.url) for n in Notification.objects.all()] == [
        (tech_bar_staff, f"Low stock at {bar}: 2 Samsung Galaxy XCover 7 left", "/stock/")
    ]
    assert Notification.objects.get().body == (
        f"{bar} has 2 Samsung Galaxy XCover 7 in stock, below its level of 3. "
        "Order more or ask another Tech Bar for a transfer."
    )
    assert check(3, fell=False) is False
    level.refresh_from_db()
    assert level.alerted_at is None  # back at the level: re-armed
    assert check(2) is True
    assert Notification.objects.count() == 2


def test_stock_going_up_below_the_level_only_rearms(check, level):
    assert check(0, fell=False) is False
    assert check(1, fell=False) is False
    assert not Notification.objects.exists()
    level.refresh_from_db()
    assert level.alerted_at is None
