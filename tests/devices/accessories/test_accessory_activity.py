"""The custody activity report lists accessories issued and taken back beside the device events,
filtered by the same form, at the same number of queries for 3 or 3,000 movements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devices.accessories.services import accessory_issue, accessory_return
from devices.models import AccessoryMovement

URL = reverse("devices:activity")


def _rows(response):
    return [row.record for row in response.context["accessory_table"].page.object_list]


@pytest.mark.django_db
def test_accessory_issues_and_returns_are_listed_and_filtered(
    client, data_office, bar, officer, tech_bar_staff, charger
):
    accessory_issue(kind=charger, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    accessory_return(kind=charger, quantity=1, person=officer, actor=tech_bar_staff, tech_bar=bar)
    client.force_login(data_office)
    response = client.get(URL)
    assert [(m.kind, m.quantity) for m in _rows(response)] == [("returned", 1), ("issued", 2)]
    page = response.content.decode()
    assert "Accessories issued and taken back" in page and "USB-C charger" in page
    assert [m.kind for m in _rows(client.get(URL, {"event": "issued"}))] == ["issued"]
    assert _rows(client.get(URL, {"holder": officer.payroll_number}))
    assert not _rows(client.get(URL, {"kind": "smartphone"}))  # a device filter: no accessory
    assert not _rows(client.get(URL, {"event": "lost"}))


@pytest.mark.django_db
def test_the_accessory_table_costs_the_same_at_3_or_3000_movements(
    client, data_office, bar, officer, tech_bar_staff, charger, django_assert_max_num_queries
):
    def bulk(count):
        AccessoryMovement.objects.bulk_create(
            AccessoryMovement(
                kind="issued",
                accessory=charger,
                quantity=1,
                stock_change=-1,
                tech_bar=bar,
                person=officer,
                actor=tech_bar_staff,
            )
            for _ in range(count)
        )

    bulk(3)
    client.force_login(data_office)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(f"{URL}?accessories-page=1")
    bulk(2997)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"{URL}?accessories-page=40")
    assert response.status_code == 200 and len(_rows(response)) == 25


@pytest.mark.django_db
def test_the_export_merges_accessories_into_the_events_at_constant_queries(
    client,
    data_office,
    bar,
    officer,
    tech_bar_staff,
    charger,
    make_device,
    issued,
    fixed_clock,
    django_assert_max_num_queries,
):
    import datetime

    issued(make_device(), officer)
    fixed_clock.shift(datetime.timedelta(minutes=5))
    accessory_issue(kind=charger, quantity=2, person=officer, actor=tech_bar_staff, tech_bar=bar)
    client.force_login(data_office)

    def export(**params):
        response = client.get(URL, {"_export": "csv", **params})
        assert response.status_code == 200
        return b"".join(response.streaming_content).decode().splitlines()

    lines = export()
    assert "Accessory issued,ACC-CHARGER,USB-C charger,Accessory" in lines[1]  # the newest first
    assert "2 x USB-C charger" in lines[1] and officer.payroll_number in lines[1]
    assert "Issued," in lines[2]
    assert not any("ACC-CHARGER" in line for line in export(kind="smartphone"))  # a device filter: none

    with CaptureQueriesContext(connection) as small:
        export()
    AccessoryMovement.objects.bulk_create(
        AccessoryMovement(
            kind="returned",
            accessory=charger,
            quantity=1,
            stock_change=1,
            tech_bar=bar,
            person=officer,
            actor=tech_bar_staff,
        )
        for _ in range(300)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(export()) == len(lines) + 300
