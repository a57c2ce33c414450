"""The overdue loans list: Tech Bar staff only, filtered by Tech Bar, command unit and days overdue,
exported as CSV and XLSX, at the same number of queries for 3 loans or 40."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.devices.loans.loan_helpers import lend, pool_device
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OVERDUE = reverse("devices:loans_overdue")


@pytest.fixture
def loans_made(make_device, bar, other_bar, tech_bar_staff, fixed_clock):
    """loans_made(n, unit=..., bar=..., due_back=...) -> n loans, made a fortnight before the suite's NOW."""
    when = fixed_clock

    def _make(count, *, unit="East", at=None, due_back=datetime.date(2026, 6, 5)):
        at = at or bar
        here = datetime.datetime(2026, 5, 27, 10, tzinfo=datetime.UTC)
        now = datetime.datetime.now(tz=datetime.UTC)
        when.move_to(here)
        for _ in range(count):
            device = pool_device(make_device, at, tech_bar_staff)
            person = UserFactory(command_unit=unit, supervisor=UserFactory())
            lend(device, person, due_back=due_back, bar=at, staff=tech_bar_staff)
        when.move_to(now)

    return _make


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_overdue_loans_are_listed_most_overdue_first_and_filter(client, tech_bar_staff, bar, other_bar, loans_made):
    loans_made(2, due_back=datetime.date(2026, 6, 8))  # 2 days overdue on Wednesday 10 June
    loans_made(1, unit="West", at=other_bar, due_back=datetime.date(2026, 6, 1))  # 9 days
    loans_made(1, due_back=datetime.date(2026, 6, 12))  # not due yet
    client.force_login(tech_bar_staff)

    rows = _rows(client.get(OVERDUE, {"_export": "csv"}))
    assert rows[0][-3:] == ["Lent by", "Due back", "Days overdue"]
    assert [(row[6], row[-1]) for row in rows[1:]] == [
        (other_bar.name, "9"),
        (bar.name, "2"),
        (bar.name, "2"),
    ]
    assert len(_rows(client.get(OVERDUE, {"_export": "csv", "tech_bar": bar.pk}))) == 3
    assert len(_rows(client.get(OVERDUE, {"_export": "csv", "command_unit": "West"}))) == 2
    assert len(_rows(client.get(OVERDUE, {"_export": "csv", "days_overdue": "3"}))) == 2
    xlsx = client.get(OVERDUE, {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


@pytest.mark.parametrize("days", ["-1", "many", "999999999999"])
def test_a_bad_filter_is_a_400_that_says_why(client, tech_bar_staff, days):
    client.force_login(tech_bar_staff)
    response = client.get(OVERDUE, {"days_overdue": days})
    assert response.status_code == 400
    assert "Overdue by at least" in response.content.decode()


def test_officers_do_not_see_the_list(client, officer):
    client.force_login(officer)
    assert client.get(OVERDUE).status_code == 403


def test_the_list_costs_the_same_at_3_or_40_loans(client, tech_bar_staff, loans_made, django_assert_max_num_queries):
    loans_made(3)
    client.force_login(tech_bar_staff)
    client.get(OVERDUE)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(OVERDUE, {"command_unit": "East"}).status_code == 200
    loans_made(37)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(OVERDUE, {"command_unit": "East"})
    assert len(response.context["table"].page.object_list) == 40
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert _rows(client.get(OVERDUE, {"command_unit": "East", "_export": "csv"}))[40]
