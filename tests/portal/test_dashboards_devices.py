"""The Devices and Leavers dashboards' numbers against a hand-computed fixture on the frozen
clock (2026-06-10 09:00 UTC; the financial year 2026 runs from April 2026 to March 2027)."""

import datetime
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from devices import dashboard_selectors as numbers
from devices.core.services import device_issue, device_return
from devices.leavers.services.cases import leaver_date_set
from devices.losses.services.losses import device_report_lost
from devices.models import Device, DeviceModel, LeaverCase, LeaverPropertyKind, TechBar
from portal.models import Role
from tests.factories import UserFactory

TODAY = datetime.date(2026, 6, 10)
START, END = datetime.datetime(2026, 6, 1, tzinfo=UTC), datetime.datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture
def estate(db, fixed_clock, supervisor, tech_bar_staff):
    hq = TechBar.objects.create(code="hq", name="HQ")
    north_bar = TechBar.objects.create(code="north", name="North Hub")
    phone = DeviceModel.objects.create(
        make="Samsung", model_name="XCover", kind="smartphone", unit_cost=Decimal("400"), expected_life_months=36
    )
    laptop = DeviceModel.objects.create(
        make="Dell", model_name="Latitude", kind="laptop", unit_cost=Decimal("1000"), expected_life_months=48
    )
    tablet = DeviceModel.objects.create(make="Apple", model_name="iPad", kind="tablet")  # no price: not forecast
    north = UserFactory(roles=[Role.OFFICER], command_unit="North", supervisor=supervisor)
    south = UserFactory(roles=[Role.OFFICER], command_unit="South")

    def device(tag, model, bar=hq, **fields):
        return Device.objects.create(asset_tag=tag, serial_number=f"SN{tag}", model=model, tech_bar=bar, **fields)

    p1 = device("P1", phone, purchase_date=datetime.date(2023, 5, 15))  # due May 2026: FY 2026
    p2 = device("P2", phone, purchase_date=datetime.date(2024, 6, 1))  # due June 2027: FY 2027
    p3 = device("P3", phone, phone_number="07700 900003", mdm_enrolment_id="mdm-3")  # stolen below
    device("L1", laptop, purchase_date=datetime.date(2021, 12, 1), end_of_life_date=datetime.date(2025, 12, 31))
    device("L2", laptop, purchase_date=datetime.date(2022, 3, 10), status=Device.Status.DISPOSED)
    t1 = device("T1", tablet, bar=north_bar, purchase_date=datetime.date(2025, 1, 1))

    device_issue(device=p1, holder=north, actor=tech_bar_staff, tech_bar=hq)
    device_issue(device=p2, holder=north, actor=tech_bar_staff, tech_bar=hq)
    device_issue(device=p3, holder=north, actor=tech_bar_staff, tech_bar=hq)
    device_issue(device=t1, holder=south, actor=tech_bar_staff, tech_bar=north_bar)
    device_return(device=p2, actor=tech_bar_staff, tech_bar=hq, reason="faulty")
    device_report_lost(
        device=p3, actor=north, kind="stolen", noticed_at=datetime.datetime(2026, 6, 10, 7, tzinfo=UTC), where="A bus"
    )
    fixed_clock.shift(timedelta(hours=5))  # the SIM block and wipe have waited 5 hours
    return {"north": north, "south": south}


def test_estate_by_status_kind_and_model(estate):
    devices = numbers.devices_for_dashboard()
    assert numbers.estate_by(devices, "status") == [
        ("issued", 2),  # P1, T1
        ("disposed", 1),
        ("in_stock", 1),  # L1
        ("returned", 1),  # P2
        ("stolen", 1),  # P3
    ]
    assert numbers.estate_by(devices, "model__kind") == [("smartphone", 3), ("laptop", 2), ("tablet", 1)]
    assert numbers.estate_by(devices, "model") == [("Samsung XCover", 3), ("Dell Latitude", 2), ("Apple iPad", 1)]
    # A command unit: the devices its people hold now.
    assert numbers.estate_by(numbers.devices_for_dashboard(unit="South"), "status") == [("issued", 1)]


def test_issues_and_returns_per_tech_bar_per_day(estate):
    day = datetime.date(2026, 6, 10)
    assert numbers.issues_and_returns_by_day(start=START, end=END) == {(day, "HQ"): (3, 1), (day, "North Hub"): (1, 0)}
    assert numbers.issues_and_returns_by_day(start=START, end=END, unit="South") == {(day, "North Hub"): (1, 0)}


def test_end_of_life_remote_actions_losses_and_forecast(estate):
    devices = numbers.devices_for_dashboard()
    assert numbers.past_end_of_life_by_model(devices, today=TODAY) == [("Dell Latitude", 1)]
    actions = numbers.open_remote_actions_by_age(start=START, end=END)
    for kind in ("sim_block", "wipe"):
        assert actions[kind]["4 to 24 hours"] == 1
        assert sum(actions[kind][band] for band, _, _ in numbers.AGE_BANDS) == 1
    assert numbers.open_remote_actions_by_age(start=START, end=END, unit="South")["wipe"]["4 to 24 hours"] == 0
    assert numbers.losses_by_month(start=START, end=END) == {(datetime.date(2026, 6, 1), "stolen"): 1}
    forecast = numbers.refresh_forecast(devices, today=TODAY)
    # FY 2026: P1 (due May 2026) and L1 (past its end of life); FY 2027: P2. T1 has no price.
    assert forecast.years == {
        2026: (2, Decimal("1400")),
        2027: (1, Decimal("400")),
        2028: (0, Decimal("0")),
        2029: (0, Decimal("0")),
        2030: (0, Decimal("0")),
    }
    assert forecast.not_forecast == 1


def test_financial_years_run_april_to_march():
    assert numbers.financial_year(datetime.date(2027, 3, 31)) == 2026
    assert numbers.financial_year(datetime.date(2027, 4, 1)) == 2027


@pytest.fixture
def leavers(estate, portal_admin, supervisor):
    LeaverPropertyKind.objects.update(is_active=False)  # the migration's list: only ours goes on the cases
    LeaverPropertyKind.objects.update_or_create(name="Warrant card", defaults={"order": 1, "is_active": True})
    north, south = estate["north"], estate["south"]
    # North: left five days ago with the phone and the warrant card still out (overdue).
    leaver_date_set(person=north, leaving_date=TODAY - timedelta(days=5), actor=portal_admin, source="admin")
    # South: leaves in ten days, the tablet and the warrant card to come back.
    leaver_date_set(person=south, leaving_date=TODAY + timedelta(days=10), actor=portal_admin, source="admin")
    return numbers.leaver_cases_for_dashboard(start=START, end=END)


def test_leaver_cases_by_date_overdue_and_items(leavers):
    assert numbers.open_cases_by_leaving_date(leavers, today=TODAY) == {
        "Leaving date passed": 1,
        "Leaving in the next 7 days": 0,
        "Leaving in 8 to 30 days": 1,
        "Leaving in more than 30 days": 0,
    }
    assert numbers.overdue_cases_by_unit(leavers, today=TODAY) == [("North", 1)]
    assert numbers.items_outstanding_by_kind(leavers) == [("Warrant card", 2), ("Smartphone", 1), ("Tablet", 1)]


def test_the_supervisor_sees_their_teams_leavers_only(client_as, leavers, supervisor):
    from tests.policy.factories import accept, published_version

    accept(supervisor, published_version(by=UserFactory(roles=[Role.PORTAL_ADMIN])))
    response = client_as("supervisor").get(reverse("portal:dashboard", args=["leavers"]))
    panel = next(p for p, _ in response.context["panels"] if p.id == "leavers-dates")
    assert {row.header: row.cells for row in panel.chart.table.rows} == {
        "Leaving date passed": ["1"],
        "Leaving in the next 7 days": ["0"],
        "Leaving in 8 to 30 days": ["0"],
        "Leaving in more than 30 days": ["0"],
    }
    assert LeaverCase.objects.count() == 2
