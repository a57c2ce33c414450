"""Paging on every list page (FilteredTableView): a page number or page size out of range is
bad input, answered with a 400, a clear message and the nearest valid page, never a 500; the
page size has an upper limit. Tried on the incident queue and the compliance page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from portal.tables import MAX_PER_PAGE
from tests.factories import UserFactory
from tests.policy.factories import published_version

pytestmark = pytest.mark.django_db

ROWS = 7  # at 3 a page: pages 1, 2 and 3 (one row on the last)


@pytest.fixture
def queue_url(data_office):
    reporter = UserFactory()
    for n in range(ROWS):
        incident_services.incident_open(
            reporter=reporter,
            summary=f"Incident number {n}",
            aware_at=timezone.now() - timedelta(hours=1),
            personal_data_involved="no",
            device_involved="no",
        )
    return reverse("incidents:incident_queue")


@pytest.fixture
def compliance_url(data_office, portal_admin):
    UserFactory.create_batch(ROWS - 2)  # and the reviewer and the admin who published the version
    version = published_version(by=portal_admin)
    return reverse("policy:compliance", kwargs={"slug": version.policy.slug})


@pytest.fixture(params=["queue_url", "compliance_url"])
def list_page(request, client, data_office):
    client.force_login(data_office)
    return request.getfixturevalue(request.param)


def rows_on(response) -> int:
    return len(re.findall(r'<tr class="govuk-table__row">\s*<td', response.content.decode()))


def page_line(response) -> str:
    found = re.search(r"Page (\d+) of (\d+)", response.content.decode())
    return found.group(0) if found else ""


def test_the_pages_have_the_rows_this_test_expects(client, list_page):
    response = client.get(list_page, {"per_page": 3})
    assert response.status_code == 200
    assert rows_on(response) == 3 and page_line(response) == "Page 1 of 3"
    response = client.get(list_page, {"per_page": 3, "page": 3})
    assert response.status_code == 200 and rows_on(response) == 1 and page_line(response) == "Page 3 of 3"


@pytest.mark.parametrize(
    ("params", "shown_rows", "shown_page", "message"),
    [
        ({"per_page": "-1"}, ROWS, "", "Rows per page must be a whole number from 1 to 100"),
        ({"per_page": "0"}, ROWS, "", "Rows per page must be a whole number from 1 to 100"),
        ({"per_page": "abc"}, ROWS, "", "Rows per page must be a whole number from 1 to 100"),
        ({"per_page": "100000"}, ROWS, "", "Rows per page must be a whole number from 1 to 100"),
        ({"per_page": "3", "page": "99999"}, 1, "Page 3 of 3", "There is no page 99999: this is page 3, the last"),
        ({"per_page": "3", "page": "-3"}, 3, "Page 1 of 3", "There is no page -3: this is page 1"),
        ({"per_page": "3", "page": "abc"}, 3, "Page 1 of 3", "There is no page abc: this is page 1"),
    ],
)
def test_paging_out_of_range_is_a_400_with_a_message_and_the_nearest_page(
    client, list_page, params, shown_rows, shown_page, message
):
    response = client.get(list_page, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert rows_on(response) == shown_rows
    assert page_line(response) == shown_page


def test_page_size_has_an_upper_limit(client, list_page):
    response = client.get(list_page, {"per_page": str(MAX_PER_PAGE + 1)})
    assert response.status_code == 400
    assert f"Rows per page must be a whole number from 1 to {MAX_PER_PAGE}" in response.content.decode()
    assert client.get(list_page, {"per_page": str(MAX_PER_PAGE)}).status_code == 200


def test_an_export_is_not_paged_so_bad_paging_does_not_break_it(client, list_page):
    response = client.get(list_page, {"per_page": "-1", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_each_page_holds_the_rows_plain_slicing_gives_in_order(rf, data_office, compliance_url):
    """paginate() fetches a page as `pk IN (the page's ids)`: same rows, same order,
    on the first, a middle and the last page, whatever the table is ordered by (ties by id)."""
    from policy import selectors
    from policy.models import Policy
    from policy.tables import PersonComplianceTable
    from portal.tables import paginate

    compliance = selectors.policy_compliance(viewer=data_office, policy=Policy.objects.get())
    for order in ("name", "-payroll_number", "status"):
        table = PersonComplianceTable(compliance.people, order_by=order)
        people = table.data.data
        expected = [p.pk for p in people.order_by(*people.query.order_by, "pk")]  # ties: by id
        for number in (1, 2, 3):
            table = PersonComplianceTable(compliance.people, order_by=order)
            assert paginate(table, {"page": str(number), "per_page": "3"}) == ""
            rows = [row.record.pk for row in table.page.object_list]
            assert rows == expected[(number - 1) * 3 : number * 3], (order, number)
            assert {row.record.status for row in table.page.object_list} <= {"current", "older", "never"}
