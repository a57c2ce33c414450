"""The Devices dashboard's overdue loans panel: loans past their due-back date by the Tech Bar that
lent them and days overdue, narrowed to a command unit, on the suite's clock (Wednesday 10 June 2026)."""

import datetime

import pytest
from django.urls import reverse

from devices.dashboard_selectors import loans_overdue_by_tech_bar
from tests.devices.loans.loan_helpers import lend, pool_device
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 10)


@pytest.fixture
def overdue(make_device, bar, other_bar, tech_bar_staff, fixed_clock):
    """At bar: East 1 day and 4 days overdue, West 9 days; at other_bar: East 2 days; one not due yet."""
    fixed_clock.move_to(datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC))
    for at, unit, due in [
        (bar, "East", TODAY - datetime.timedelta(days=1)),
        (bar, "East", TODAY - datetime.timedelta(days=4)),
        (bar, "West", TODAY - datetime.timedelta(days=9)),
        (other_bar, "East", TODAY - datetime.timedelta(days=2)),
        (bar, "East", TODAY + datetime.timedelta(days=2)),
    ]:
        lend(
            pool_device(make_device, at, tech_bar_staff),
            UserFactory(command_unit=unit),
            due_back=due,
            bar=at,
            staff=tech_bar_staff,
        )
    fixed_clock.move_to(datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC))


def test_overdue_loans_by_tech_bar_and_band(overdue, bar, other_bar, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = loans_overdue_by_tech_bar(today=TODAY)
    assert rows == [
        (bar.name, {"1 to 2 days": 1, "3 to 6 days": 1, "A week or more": 1}),
        (other_bar.name, {"1 to 2 days": 1, "3 to 6 days": 0, "A week or more": 0}),
    ]
    assert loans_overdue_by_tech_bar(today=TODAY, unit="West") == [
        (bar.name, {"1 to 2 days": 0, "3 to 6 days": 0, "A week or more": 1})
    ]


def test_the_devices_dashboard_shows_the_panel_and_links_the_list_for_tech_bar_staff_only(client_as, overdue, bar):
    response = client_as("data_office").get(reverse("portal:dashboard", args=["devices"]))
    assert response.status_code == 200
    links = {panel.id: link for panel, link in response.context["panels"]}
    assert links["devices-loans-overdue"] is False  # borrowers' names are the Tech Bar's business
    panel = next(panel for panel, _ in response.context["panels"] if panel.id == "devices-loans-overdue")
    assert [row.header for row in panel.chart.table.rows] == [bar.name, "North Hub Tech Bar"]


def test_the_panel_with_no_overdue_loans(client_as):
    response = client_as("portal_admin").get(reverse("portal:dashboard", args=["devices"]))
    assert response.status_code == 200
    links = {panel.id: link for panel, link in response.context["panels"]}
    assert links["devices-loans-overdue"] is True
