"""The device list (search, filters, CSV/XLSX export) and the device page's custody timeline, at any
size: the query count does not grow with the devices or the events."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse

from devices.demo import demo_imei
from devices.models import Assignment, Device, DeviceEvent
from portal.navigation import nav_items_for
from tests.devices.conftest import NOW
from tests.factories import UserFactory

URL = reverse("devices:device_list")


def _tags(response) -> set[str]:
    return {row.record.asset_tag for row in response.context["table"].page.object_list}


@pytest.fixture
def estate(frozen, make_device, bar, other_bar, laptop_model, officer, tech_bar_staff, issued):
    """A phone held by an officer of 'North', a laptop at the other bar, an old phone being repaired."""
    officer.first_name, officer.last_name, officer.command_unit = "Jane", "Marple", "North"
    officer.save()
    held = issued(make_device(end_of_life_date=date(2027, 6, 1)), officer)
    laptop = make_device(model=laptop_model, tech_bar=other_bar, end_of_life_date=date(2030, 1, 1))
    repair = make_device(status=Device.Status.IN_REPAIR, end_of_life_date=date(2026, 3, 1))
    return {"held": held, "laptop": laptop, "repair": repair}


def test_every_filter_and_search(client, data_office, estate, phone_model, other_bar):
    held, laptop, repair = estate["held"], estate["laptop"], estate["repair"]
    client.force_login(data_office)
    assert _tags(client.get(URL)) == {held.asset_tag, laptop.asset_tag, repair.asset_tag}
    cases = {
        "status=issued": {held.asset_tag},
        f"model={phone_model.pk}": {held.asset_tag, repair.asset_tag},
        "kind=laptop": {laptop.asset_tag},
        f"tech_bar={other_bar.pk}": {laptop.asset_tag},
        "unit=North": {held.asset_tag},
        "end_of_life_before=2027-01-01": {repair.asset_tag},
        f"q={held.imei[:5]} {held.imei[5:]}": {held.asset_tag},  # an IMEI typed in groups
        f"q={laptop.asset_tag.lower()}": {laptop.asset_tag},
        f"q={repair.serial_number}": {repair.asset_tag},
        f"q={held.phone_number}": {held.asset_tag},
        "q=jane marple": {held.asset_tag},
        "q=Marple": {held.asset_tag},
        f"q={held.assignments.get().holder.payroll_number}": {held.asset_tag},
        "q=nobody-has-this": set(),
    }
    for query, expected in cases.items():
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert _tags(response) == expected, query
    page = client.get(f"{URL}?q=Marple").text
    assert "Jane Marple" in page and reverse("devices:device_detail", args=[held.pk]) in page


def test_bad_filters_are_refused_with_the_reason_and_kept(client, tech_bar_staff, estate):
    client.force_login(tech_bar_staff)
    response = client.get(f"{URL}?end_of_life_before=31/31/2026&status=melted")
    assert response.status_code == 400
    assert "Enter a valid date." in response.text and "Select a valid choice" in response.text
    assert 'value="31/31/2026"' in response.text
    too_long = client.get(f"{URL}?q={'x' * 101}")
    assert too_long.status_code == 400 and "at most 100 characters" in too_long.text


def test_csv_and_xlsx_export_the_filtered_list_with_formulas_neutralised(client, data_office, estate):
    repair = estate["repair"]
    Device.objects.filter(pk=repair.pk).update(serial_number="=HYPERLINK(1)")
    client.force_login(data_office)
    response = client.get(f"{URL}?status=in_repair&_export=csv")
    assert response.status_code == 200 and "devices-2026-01-14.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [row["Asset tag"] for row in rows] == [repair.asset_tag]
    assert rows[0]["Serial number"] == "'=HYPERLINK(1)" and rows[0]["IMEI"] == repair.imei

    held = estate["held"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{URL}?status=issued&_export=xlsx").content))
    sheet = list(workbook.active.values)
    header, values = sheet[0], dict(zip(sheet[0], sheet[1], strict=True))
    assert len(sheet) == 2 and "Holder's payroll number" in header
    assert values["Asset tag"] == held.asset_tag and values["Held by"] == "Jane Marple"
    assert values["Holder's unit"] == "North"


def test_the_list_is_linked_for_those_who_may_open_it(client, officer, tech_bar_staff, data_office):
    assert "Devices" not in [item.label for item in nav_items_for(user=officer, path="/")]
    for user in (tech_bar_staff, data_office):
        assert "Devices" in [item.label for item in nav_items_for(user=user, path="/")]
        client.force_login(user)
        assert f'href="{URL}"' in client.get(reverse("portal:home")).text
    client.force_login(officer)
    assert f'href="{URL}"' not in client.get(reverse("portal:home")).text


def _bulk_devices(count, *, model, tech_bar, holders):
    start = Device.objects.count() + 10_000
    devices = Device.objects.bulk_create(
        Device(
            asset_tag=f"BK{start + n:07d}",
            serial_number=f"BS{start + n:08d}",
            imei=demo_imei(start + n),
            model=model,
            tech_bar=None,
            status=Device.Status.ISSUED,
        )
        for n in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(device=d, holder=holders[n % len(holders)], issued_by=holders[0], issued_at_tech_bar=tech_bar)
        for n, d in enumerate(devices)
    )


def test_the_list_costs_the_same_at_10_or_5000_devices(
    client, data_office, frozen, phone_model, bar, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    holders = UserFactory.create_batch(3, command_unit="South")
    _bulk_devices(10, model=phone_model, tech_bar=bar, holders=holders)
    client.force_login(data_office)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{URL}?unit=South&per_page=100").status_code == 200
    _bulk_devices(4990, model=phone_model, tech_bar=bar, holders=holders)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"{URL}?unit=South&per_page=100")
    assert response.status_code == 200 and len(response.context["table"].page.object_list) == 100
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{URL}?_export=csv").getvalue().count(b"\n") == 5001


def test_the_device_page_shows_every_event_at_the_same_cost_for_1_or_500(
    client, data_office, frozen, make_device, officer, tech_bar_staff, bar, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    device = make_device()
    DeviceEvent.objects.create(
        device=device, kind=DeviceEvent.Kind.RECEIVED, actor=tech_bar_staff, tech_bar=bar, to_status="in_stock"
    )
    url = reverse("devices:device_detail", args=[device.pk])
    client.force_login(data_office)
    with CaptureQueriesContext(connection) as one:
        first = client.get(url).text
    assert "Received into stock" in first and tech_bar_staff.get_full_name() in first

    staff = UserFactory.create_batch(5)
    DeviceEvent.objects.bulk_create(
        DeviceEvent(
            device=device,
            kind=DeviceEvent.Kind.RETURNED,
            actor=staff[n % 5],
            holder=officer,
            tech_bar=bar,
            from_status="issued",
            to_status="returned",
            note=f"Reason {n}",
            created_at=NOW + timedelta(minutes=n),
        )
        for n in range(499)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).text
    assert page.count("<li><span") == 500
    assert "Reason 498" in page and "Issued → Returned (awaiting triage)" in page
    assert f"holder {officer.get_full_name()} ({officer.payroll_number})" in page
    assert staff[3].get_full_name() in page and "at Headquarters Tech Bar" in page


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "issued"}, {"unit": "South"}, {"q": "Holder"}, {"sort": "-asset_tag"}, {"sort": "holder"}],
)
def test_every_page_and_the_count_match_the_joined_list(client, data_office, frozen, phone_model, bar, query):
    """The list counts and picks a page's devices without the holder's join when no filter reads
    the holder: the same count and the same rows, in order, on every page."""
    from devices.core import selectors
    from devices.core.filters import DeviceFilterSet

    holders = UserFactory.create_batch(2, command_unit="South", first_name="Holder")
    _bulk_devices(7, model=phone_model, tech_bar=bar, holders=holders)
    Device.objects.bulk_create(
        Device(asset_tag=f"SP{n:07d}", serial_number=f"SS{n:08d}", imei=demo_imei(900 + n), model=phone_model)
        for n in range(4)
    )  # in stock: no holder
    client.force_login(data_office)
    expected_qs = DeviceFilterSet(query or None, queryset=selectors.device_list()).qs
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(URL, {**query, "per_page": 3, "page": page})
        assert response.status_code in (200, 400)  # past the last page: the last page, with a 400
        table = response.context["table"]
        if response.status_code == 200:
            assert table.paginator.count == expected_qs.count()
            seen += [row.record.asset_tag for row in table.page.object_list]
    if "sort" not in query:
        assert seen == [d.asset_tag for d in expected_qs]
    elif query["sort"] == "-asset_tag":
        assert seen == sorted((d.asset_tag for d in expected_qs), reverse=True)
    else:
        assert sorted(seen) == sorted(d.asset_tag for d in expected_qs)
        assert len(seen) == len(set(seen))
